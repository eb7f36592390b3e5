using System.Text.Json;
using Akka.Actor;
using Akka.Configuration;
using MemGrowth.Analytics.Fleet;
using MemGrowth.Analytics.Leaks;
using MemGrowth.Analytics.Persistence;
using MemGrowth.NodeAgent.Actors;
using MemGrowth.NodeAgent.Delivery;
using MemGrowth.NodeAgent.Fleet;
using MemGrowth.NodeAgent.Output;
using MemGrowth.NodeAgent.Sources;
using MemGrowth.Shared.Messages;
using Microsoft.Extensions.Logging;

namespace MemGrowth.NodeAgent.Agent;

/// <summary>
/// Wires one standalone node agent: the memory source, the actor system (supervisor, one tracker per
/// process, the publisher), the seed of processes already running, agent_ready, the status file.
/// </summary>
internal sealed class AgentHost : IAsyncDisposable
{
    private static readonly JsonSerializerOptions StatusJson = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower, WriteIndented = true };

    private readonly AgentOptions _options;
    private readonly ILogger _logger;
    private readonly ActorSystem _system;
    private readonly IMemorySource _source;
    private readonly EventBudget _budget;
    private readonly IActorRef _supervisor;
    private readonly TextWriter? _jsonl;
    private readonly string _host = Environment.MachineName;
    private long _eventsReceived;
    private long _dropsLogged;
    private readonly IActorRef? _trace;
    private Timer? _statusTimer;

    private AgentHost(AgentOptions options, ILogger logger, IMemorySource source, IHostProcesses processes)
    {
        _options = options;
        _logger = logger;
        _source = source;
        _budget = new EventBudget(options.MaxInFlightEvents);
        _system = options.Fleet is { } fleet
            ? FleetSystem.Create(fleet, LeakSharding.AgentRole, fleet.AgentPort, options.AkkaConfig)
            : ActorSystem.Create("memgrowth", HistoryConfig(options).WithFallback(options.AkkaConfig));
        _jsonl = options.JsonlPath switch
        {
            null => null,
            "-" => Console.Out,
            var path => OpenJsonl(path),
        };
        // With JSON on stdout, human lines go to stderr so the JSON stream stays parseable.
        TextWriter? console = options.Quiet ? null : options.JsonlPath == "-" ? Console.Error : Console.Out;
        var history = options.Fleet is { } f ? StartDelivery(f)
            : options.DataDir is null ? null
            : _system.ActorOf(LeakRegion.Props(), "leaks");
        var publisher = _system.ActorOf(DetectionPublisher.Props(console, _jsonl, history), "detections");
        var settings = new TrackerSettings(options.ToGrowthSettings(), _host, options.Interval.TotalSeconds, options.LivenessSweep)
        {
            StartupGraceSeconds = options.StartupGrace.TotalSeconds,
        };
        _supervisor = _system.ActorOf(ProcessSupervisor.Props(settings, processes, publisher, _budget, () => MonotonicClock.NowSeconds), "processes");
        Publisher = publisher;
        if (options.TracePath is { } trace)
        {
            _trace = _system.ActorOf(SampleTrace.Props(new StreamWriter(trace, append: false)), "trace");
        }
    }

    public IActorRef Publisher { get; }

    /// <summary>The fleet agent's delivery to analytics; null on a standalone node.</summary>
    public IActorRef? Delivery { get; private set; }

    // Detections go to the on-disk outbox, then to their sharded entities through a proxy (this node hosts none).
    private IActorRef StartDelivery(FleetOptions fleet)
    {
        var outbox = Outbox.Open(fleet.OutboxDir, fleet.OutboxMaxBytes);
        var proxy = LeakSharding.StartProxy(_system);
        var producer = $"{_host}#{Guid.NewGuid():N}";
        Delivery = _system.ActorOf(OutboxDelivery.Props(outbox, proxy, producer, fleet.MaxInFlight, fleet.ResendAfter, _logger), "delivery");
        return Delivery;
    }

    /// <summary>
    /// The serializer, and with a data directory the SQLite journal the standalone node keeps its leak
    /// history in (created on first use).
    /// </summary>
    /// <exception cref="ArgumentException">The data directory cannot be created.</exception>
    public static Config HistoryConfig(AgentOptions options)
    {
        var config = ConfigurationFactory.ParseString(MessageSerializer.Config);
        if (options.DataDir is not { } dir)
        {
            return config;
        }

        try
        {
            Directory.CreateDirectory(dir);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ArgumentException($"data-dir {dir}: {e.Message} (give another with --data-dir, or \"\" to keep no history)", e);
        }

        var connectionString = $"Data Source={Path.Combine(dir, "memgrowth.db")}";
        JournalUpgrade.AddTagsColumn(JournalDatabase.Sqlite, connectionString);
        return config.WithFallback(JournalConfig.Load(JournalDatabase.Sqlite, connectionString));
    }

    public IActorRef Supervisor => _supervisor;

    public ActorSystem System => _system;

    /// <summary>Starts the agent: attach the source, load running processes, say agent_ready.</summary>
    public static async Task<AgentHost> StartAsync(AgentOptions options, ILoggerFactory loggers, IHostProcesses processes, CancellationToken ct)
    {
        var logger = loggers.CreateLogger("memgrowth");
        IMemorySource source = options.Source == SourceKind.Bpf
            ? new BpfSource(options.ToProbeSettings(), loggers.CreateLogger("probe"))
            : new PollingSource(options.Interval, options.MinDeltaBytes, loggers.CreateLogger("procfs"));
        AgentHost? host = null;
        try
        {
            host = new AgentHost(options, logger, source, processes);
            await host.SeedAndStartAsync(ct).ConfigureAwait(false);
            return host;
        }
        catch
        {
            if (host is not null)
            {
                await host.DisposeAsync().ConfigureAwait(false);
            }
            else
            {
                source.Dispose();
            }

            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        _statusTimer?.Dispose();
        _source.Dispose();
        await _system.Terminate().ConfigureAwait(false);
        if (_jsonl is not null && _jsonl != Console.Out)
        {
            await _jsonl.DisposeAsync().ConfigureAwait(false);
        }

        if (_options.StatusFile is { } path && File.Exists(path))
        {
            File.Delete(path);
        }
    }

    private async Task SeedAndStartAsync(CancellationToken ct)
    {
        // Processes already running are tracked at once, from /proc and from what the kernel already holds.
        var seed = RunningProcesses.Take(MonotonicClock.NowSeconds);
        var known = seed.Select(e => e.Key).ToHashSet();
        var fromSource = _source.Snapshot().Where(e => !known.Contains(e.Key)).ToList();
        _source.Seed(seed);
        _supervisor.Tell(new SourceBatch([.. seed, .. fromSource]));
        _source.Start(Deliver);

        var tracked = await _supervisor.Ask<TrackedProcesses>(GetTrackedProcesses.Instance, TimeSpan.FromSeconds(30), ct).ConfigureAwait(false);
        Publisher.Tell(new AgentReady(DateTimeOffset.UtcNow, _host, _source.Name, tracked.Keys.Count, KernelRelease()));
        if (_options.StatusFile is not null)
        {
            _statusTimer = new Timer(_ => WriteStatus(), null, TimeSpan.Zero, TimeSpan.FromSeconds(1));
        }
    }

    private void Deliver(IReadOnlyList<SourceEvent> batch)
    {
        Interlocked.Add(ref _eventsReceived, batch.Count);
        if (_budget.TryAcquire(batch.Count))
        {
            var message = new SourceBatch(batch);
            _supervisor.Tell(message);
            _trace?.Tell(message);
            return;
        }

        var dropped = _budget.Dropped;
        if (dropped - Interlocked.Read(ref _dropsLogged) >= 1000 || _dropsLogged == 0)
        {
            Interlocked.Exchange(ref _dropsLogged, dropped);
            _logger.LogWarning("the actors are behind: {Dropped} events dropped so far ({InFlight} waiting); exits are recovered by the liveness sweep",
                dropped, _budget.InFlight);
        }
    }

    private void WriteStatus()
    {
        try
        {
            var path = _options.StatusFile!;
            var tracked = _supervisor.Ask<TrackedProcesses>(GetTrackedProcesses.Instance, TimeSpan.FromSeconds(1)).GetAwaiter().GetResult();
            var status = new AgentStatus(
                DateTimeOffset.UtcNow, _source.Name, Environment.ProcessId, tracked.Keys.Count,
                Interlocked.Read(ref _eventsReceived), _budget.Dropped, _budget.InFlight, _source.Status());
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
            var temp = path + ".tmp";
            File.WriteAllText(temp, JsonSerializer.Serialize(status, StatusJson));
            File.Move(temp, path, overwrite: true);
        }
        catch (Exception e)
        {
            // A timer callback that throws takes the process down; the status file is not worth that.
            _logger.LogWarning("status file not written: {Message}", e.Message);
        }
    }

    private static string KernelRelease()
    {
        try
        {
            return File.ReadAllText("/proc/sys/kernel/osrelease").Trim();
        }
        catch (IOException)
        {
            return Environment.OSVersion.Version.ToString();
        }
    }

    private static StreamWriter OpenJsonl(string path)
    {
        try
        {
            var full = Path.GetFullPath(path);
            Directory.CreateDirectory(Path.GetDirectoryName(full)!);
            return new StreamWriter(new FileStream(full, FileMode.Append, FileAccess.Write, FileShare.Read));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ArgumentException($"--jsonl {path}: cannot open for writing ({e.Message})");
        }
    }
}

internal sealed record AgentStatus(
    DateTimeOffset Time, string Source, int Pid, int TrackedProcesses, long EventsReceived, long EventsDropped, long EventsInFlight, ProbeStatus? Probe);
