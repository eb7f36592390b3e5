using System.Text.Json;
using Akka.Actor;
using Akka.Configuration;
using Akka.Hosting;
using Microsoft.AspNetCore.Builder;
using MemGrowth.Analytics.Node;
using Akka.Persistence.Query;
using Akka.Persistence.Sql.Query;
using MemGrowth.Analytics.Api;
using MemGrowth.Analytics.Fleet;
using MemGrowth.Analytics.History;
using MemGrowth.Analytics.Leaks;
using MemGrowth.Analytics.Persistence;
using MemGrowth.Analytics.ReadModel;
using MemGrowth.Analytics.Retention;
using MemGrowth.Analytics.Trends;
using MemGrowth.NodeAgent.Actors;
using MemGrowth.NodeAgent.Agent;
using MemGrowth.NodeAgent.Delivery;
using MemGrowth.NodeAgent.Fleet;
using MemGrowth.NodeAgent.Output;
using MemGrowth.NodeAgent.Sources;
using MemGrowth.Shared.Fleet;
using MemGrowth.Shared.Messages;
using MemGrowth.Shared.Settings;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace MemGrowth.Cli.Hosting;

/// <summary>
/// Wires one node agent: the memory source, the actor system (supervisor, one tracker per process, the
/// publisher), the seed of processes already running, agent_ready, the status file; and where detections
/// go beyond the console. A fleet agent delivers them to the analytics nodes. A standalone node with a data
/// directory holds the analytics role itself: its detections go through the same on-disk outbox to local
/// leak entities journaled in SQLite, a live projection keeps the read model current, and the HTTP API
/// serves it.
/// </summary>
internal sealed class AgentHost : IAsyncDisposable
{
    private const UnixFileMode StatusMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;

    private readonly AgentOptions _options;
    private readonly ILogger _logger;
    private readonly ILoggerFactory _loggers;
    private readonly IHost _akka;
    private readonly ActorSystem _system;
    private readonly IMemorySource _source;
    private readonly EventBudget _budget;
    private readonly IActorRef _supervisor;
    private readonly TextWriter? _jsonl;
    private readonly string _host = Environment.MachineName;
    private long _eventsReceived;
    private long _dropsLogged;
    private string? _statusError;
    private readonly IActorRef? _trace;
    private readonly CancellationTokenSource _stopping = new();
    private Task? _statusLoop;
    private LeakProjection? _projection;
    private TrendProjection? _trendProjection;
    private HistorySweeper? _sweeper;
    private FleetLink? _fleetLink;
    private HistoryLock? _historyLock;
    private Uri? _apiAddress;
    private NativeHeapTrim? _heapTrim;

    /// <summary>The standalone outbox's bound: detections the journal has not yet acknowledged (SQLite away, disk full).</summary>
    private const long StandaloneOutboxBytes = 64L << 20;

    /// <summary>How long a stop waits for the projections to take in what is journaled (a few batches at most).</summary>
    private static readonly TimeSpan ProjectionDrain = TimeSpan.FromSeconds(10);

    private AgentHost(AgentOptions options, ILoggerFactory loggers, IMemorySource source, IHostProcesses processes, HistoryLock? historyLock, IHost akka)
    {
        _options = options;
        _loggers = loggers;
        _logger = loggers.CreateLogger("memgrowth");
        _source = source;
        _historyLock = historyLock;
        _akka = akka;
        _budget = new EventBudget(options.MaxInFlightEvents);
        _system = akka.Services.GetRequiredService<ActorSystem>();
        _jsonl = options.JsonlPath switch
        {
            null => null,
            "-" => Console.Out,
            var path => OpenJsonl(path),
        };
        // With JSON on stdout, human lines go to stderr so the JSON stream stays parseable.
        TextWriter? console = options.Quiet ? null : options.JsonlPath == "-" ? Console.Error : Console.Out;
        var registry = ActorRegistry.For(_system);
        Delivery = registry.TryGet<DeliveryKey>(out var delivery) ? delivery : null;
        if (options.Fleet is null && options.DataDir is { } dir && Delivery is not null)
        {
            StartReadJournal(dir);
            var trends = registry.Get<TrendRegionKey>();
            _projection = LeakReadModel.Start(_system, JournalDatabase.Sqlite, HistoryConnectionString(dir));
            _trendProjection = TrendProjection.Start(_system, JournalDatabase.Sqlite, HistoryConnectionString(dir), trends);
            _sweeper = HistorySweeper.Start(new ReadModelStore(JournalDatabase.Sqlite, HistoryConnectionString(dir)), _options.HistoryRetention, _system.Log);
        }

        var publisher = _system.ActorOf(DetectionPublisher.Props(console, _jsonl, Delivery), "detections");
        var settings = new TrackerSettings(options.ToGrowthSettings(), _host, options.Interval.TotalSeconds, options.LivenessSweep)
        {
            StartupGraceSeconds = options.StartupGrace.TotalSeconds,
            WatchSelf = options.WatchSelf,
        };
        _supervisor = _system.ActorOf(ProcessSupervisor.Props(settings, processes, publisher, _budget, () => MonotonicClock.NowSeconds), "processes");
        Publisher = publisher;
        if (options.TracePath is { } trace)
        {
            _trace = _system.ActorOf(SampleTrace.Props(new StreamWriter(trace, append: false)), "trace");
        }
    }

    /// <summary>
    /// The agent's one host: its actor system through Akka.Hosting, declared in one place: the serializer and
    /// logs, and where detections go beyond the console. A fleet agent's go through the on-disk outbox to the
    /// analytics nodes (its link to the cluster attaches later). A standalone node with a data directory holds
    /// the analytics role itself: the same outbox and delivery to local leak entities journaled in SQLite, so
    /// a journal that fails (disk full, file gone) loses nothing, and the service trends beside them.
    /// </summary>
    /// <exception cref="DataDirException">The history's database cannot be brought up to date.</exception>
    /// <exception cref="ArgumentException">The outbox cannot be opened.</exception>
    private static async Task<IHost> BuildHostAsync(AgentOptions options, ILoggerFactory loggers, string host, CancellationToken ct)
    {
        // A standalone node with an API serves it from this host too (Kestrel beside the actor system); the
        // empty builder reads no configuration from the working directory or ASPNETCORE_* variables.
        var api = options.Fleet is null && options.DataDir is not null ? options.Api : null;
        var web = api is null ? null : WebApplication.CreateEmptyBuilder(new WebApplicationOptions()).AddHistoryApi(HistoryApiServer.ParseBind(api.Bind), api.Port);
        IHostApplicationBuilder builder = web is null ? Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings()) : web;
        builder.Services.AddSingleton(loggers);
        CommandLifetime.Use(builder.Services);
        var logger = loggers.CreateLogger("memgrowth");
        var journal = HistoryConfig(options);
        // Opened here, not in the actor starters: what fails is said in one line, before anything runs.
        var outbox = options.Fleet is { } f ? Outbox.Open(f.OutboxDir, f.OutboxMaxBytes)
            : options.DataDir is { } d ? Outbox.Open(Path.Combine(d, "history-outbox"), StandaloneOutboxBytes)
            : null;
        builder.Services.AddAkka("memgrowth", akka =>
        {
            akka.WithMemGrowthBasics()
                .AddHocon(journal, HoconAddMode.Append)
                .AddHocon(options.AkkaConfig, HoconAddMode.Append);
            if (options.Fleet is { } fleet)
            {
                // Detections wait in the outbox until the fleet link's proxy is up (this node hosts none).
                akka.WithActors((system, registry) => registry.Register<DeliveryKey>(system.ActorOf(
                    OutboxDelivery.Props(outbox!, ActorRefs.Nobody, $"{host}#{Guid.NewGuid():N}",
                        fleet.MaxInFlight, fleet.ResendAfter, logger, maxBatch: fleet.MaxBatch),
                    "delivery")));
            }
            else if (options.DataDir is not null)
            {
                akka.WithLocalAnalytics(options.HistoryRetention)
                    .WithActors((system, registry) => registry.Register<DeliveryKey>(system.ActorOf(
                        OutboxDelivery.Props(outbox!, registry.Get<LeakRegionKey>(),
                            $"{host}#standalone", maxInFlight: 1000, resendAfter: TimeSpan.FromSeconds(3), logger, "history journal"),
                        "delivery")));
            }
        });
        if (web is null)
        {
            return ((HostApplicationBuilder)builder).Build();
        }

        var store = new ReadModelStore(JournalDatabase.Sqlite, HistoryConnectionString(options.DataDir!));
        await store.InitializeAsync(ct).ConfigureAwait(false);
        var app = web.Build();
        app.MapHistoryApi(store, new TrendQuery(app.Services.GetRequiredService<IRequiredActor<TrendRegionKey>>().GetAsync), options.HistoryRetention);
        return app;
    }

    /// <exception cref="ArgumentException">The API's address cannot be listened on: one line saying which and what to do.</exception>
    private static async Task StartHostAsync(IHost host, AgentOptions options, CancellationToken ct)
    {
        try
        {
            await host.StartAsync(ct).ConfigureAwait(false);
        }
        catch (Exception e) when (options.Api is { } api && HistoryApiServer.ListenFailure(e, HistoryApiServer.ParseBind(api.Bind), api.Port) is { } failure)
        {
            throw new ArgumentException($"{failure.Message} (--api ADDRESS:PORT or `api` in config/memgrowth.hocon; \"\" for no API)", failure);
        }
    }

    public IActorRef Publisher { get; }

    /// <summary>The outbox's delivery to the fleet's or this node's leak entities; null with neither.</summary>
    public IActorRef? Delivery { get; }

    /// <summary>
    /// The SQL read journal, made before the projection asks for it (Akka.Persistence keeps it). Its constructor
    /// waits 5 s, fixed, for the write journal to create its tables, and throws past that: on a loaded host a
    /// first start took longer (JIT of the SQL layer, all at full optimisation here). A few more tries, then one
    /// line: the database was checked writable a moment ago, so what is left is a journal that cannot start.
    /// </summary>
    private void StartReadJournal(string dir)
    {
        const int Tries = 6;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                _ = PersistenceQuery.Get(_system).ReadJournalFor<SqlReadJournal>(SqlReadJournal.Identifier);
                return;
            }
            catch (AggregateException e) when (e.InnerException is AskTimeoutException && attempt < Tries)
            {
                _logger.LogDebug("the history journal is not ready yet ({Attempt} of {Tries})", attempt, Tries);
            }
            catch (AggregateException e) when (e.InnerException is AskTimeoutException)
            {
                throw new DataDirException($"cannot start the history in {dir}: its journal did not start within {Tries * 5} s: check the space and the database there, or pass --data-dir DIR elsewhere, or --data-dir \"\" for no history", e);
            }
        }
    }

    public static string HistoryConnectionString(string dataDir) => $"Data Source={DataDirectory.DatabasePath(dataDir)}";

    /// <summary>
    /// The serializer, and with a data directory the SQLite journal the standalone node keeps its leak
    /// history in (created on first use). Its read model polls the journal once a second: a host's history
    /// needs no fleet's 100 ms, and the agent wakes less.
    /// </summary>
    /// <exception cref="DataDirException">The database cannot be brought up to date.</exception>
    public static Config HistoryConfig(AgentOptions options)
    {
        var config = ConfigurationFactory.ParseString(MessageSerializer.Config);
        if (options.DataDir is not { } dir)
        {
            return config;
        }

        var connectionString = HistoryConnectionString(dir);
        try
        {
            JournalUpgrade.AddTagsColumn(JournalDatabase.Sqlite, connectionString);
        }
        catch (SqliteException e)
        {
            throw DataDirectory.Unreadable(DataDirectory.DatabasePath(dir), e);
        }

        return config
            .WithFallback(ConfigurationFactory.ParseString("""
                akka.persistence.query.journal.sql {
                  refresh-interval = 1s
                  journal-sequence-retrieval.query-delay = 1s
                }
                """))
            .WithFallback(JournalConfig.Load(JournalDatabase.Sqlite, connectionString));
    }

    /// <summary>Starts the agent: attach the source, load running processes, say agent_ready.</summary>
    public static async Task<AgentHost> StartAsync(AgentOptions options, ILoggerFactory loggers, IHostProcesses processes, CancellationToken ct)
    {
        var logger = loggers.CreateLogger("memgrowth");
        IMemorySource source = options.Source == SourceKind.Bpf
            ? new BpfSource(options.ToProbeSettings(), loggers.CreateLogger("probe"))
            : new PollingSource(options.Interval, options.MinDeltaBytes, loggers.CreateLogger("procfs"));
        AgentHost? host = null;
        HistoryLock? historyLock = null;
        IHost? akka = null;
        try
        {
            // A fleet agent keeps no history (memgrowth agent clears DataDir); a standalone node's is made ready first.
            historyLock = options.Fleet is null && options.DataDir is { } dir ? DataDirectory.Open(dir, logger) : null;
            akka = await BuildHostAsync(options, loggers, Environment.MachineName, ct).ConfigureAwait(false);
            await StartHostAsync(akka, options, ct).ConfigureAwait(false);
            host = new AgentHost(options, loggers, source, processes, historyLock, akka);
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
                if (akka is not null)
                {
                    await akka.StopAsync(CancellationToken.None).ConfigureAwait(false);
                    akka.Dispose();
                }

                historyLock?.Dispose();
            }

            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        if (_statusLoop is not null)
        {
            await _statusLoop.ConfigureAwait(false);
        }

        _stopping.Dispose();
        _heapTrim?.Dispose();
        _source.Dispose();
        // Producers stop before what they feed is drained: the trackers and the publisher first (what they
        // published is in the outbox by then), so that nothing reaches the journal after its projections have
        // caught up with it.
        await StopQuietlyAsync(_supervisor).ConfigureAwait(false);
        await StopQuietlyAsync(Publisher).ConfigureAwait(false);
        await DrainOutboxAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
        if (_apiAddress is not null && _options.DataDir is { } dataDir)
        {
            ApiAddressFile.Remove(dataDir, _apiAddress);
        }

        if (_sweeper is not null)
        {
            await _sweeper.DisposeAsync().ConfigureAwait(false);
        }

        // Delivered detections are journaled by now: both projections take them in before they stop, so the
        // read model a stopped node leaves is current (`memgrowth leaks` reads it without catching up).
        await DrainAsync(_projection?.DrainAsync(ProjectionDrain), "leak read model").ConfigureAwait(false);
        await DrainAsync(_trendProjection?.DrainAsync(ProjectionDrain), "service trends").ConfigureAwait(false);
        if (_projection is not null)
        {
            await _projection.DisposeAsync().ConfigureAwait(false);
        }

        if (_trendProjection is not null)
        {
            await _trendProjection.DisposeAsync().ConfigureAwait(false);
        }

        if (_fleetLink is not null)
        {
            await _fleetLink.DisposeAsync().ConfigureAwait(false);
        }

        await _akka.StopAsync(CancellationToken.None).ConfigureAwait(false);
        _akka.Dispose();
        _historyLock?.Dispose();
        if (_jsonl is not null && _jsonl != Console.Out)
        {
            await _jsonl.DisposeAsync().ConfigureAwait(false);
        }

        if (_options.StatusFile is { } path && File.Exists(path))
        {
            File.Delete(path);
        }
    }

    private async Task DrainAsync(Task<bool>? drained, string what)
    {
        if (drained is not null && !await drained.ConfigureAwait(false))
        {
            _logger.LogWarning("stopping with the {What} behind the journal: the next start catches it up", what);
        }
    }

    private async Task StopQuietlyAsync(IActorRef actor)
    {
        try
        {
            await actor.GracefulStop(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
        }
        catch (Exception e) when (e is TaskCanceledException or AskTimeoutException)
        {
            _logger.LogDebug("{Actor} did not stop within 5 s", actor.Path.Name);
        }
    }

    // A stop delivers what it can in a few seconds; whatever is left stays in the outbox for the next start.
    private async Task DrainOutboxAsync(TimeSpan timeout)
    {
        if (Delivery is null)
        {
            return;
        }

        var clock = global::System.Diagnostics.Stopwatch.StartNew();
        try
        {
            while (true)
            {
                var status = await Delivery.Ask<DeliveryStatus>(GetDeliveryStatus.Instance, TimeSpan.FromSeconds(1)).ConfigureAwait(false);
                if (status.Pending == 0)
                {
                    return;
                }

                if (clock.Elapsed >= timeout)
                {
                    _logger.LogWarning("stopping with {Pending} detections not yet acknowledged: they stay in the outbox and are delivered at the next start", status.Pending);
                    return;
                }

                await Task.Delay(100).ConfigureAwait(false);
            }
        }
        catch (AskTimeoutException)
        {
            _logger.LogWarning("stopping without knowing what the outbox holds (its delivery did not answer): it is delivered at the next start");
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

        if (_options.Fleet is { } fleet && Delivery is not null)
        {
            // A fleet agent's cluster membership is a second actor system (FleetLink), so being downed by the
            // cluster never stops the detecting.
            _fleetLink = await FleetLink.StartAsync(fleet, _options.AkkaConfig, Delivery, _loggers, ct).ConfigureAwait(false);
        }

        if (_akka is WebApplication api && _options.Api is { } endpoint && _options.DataDir is { } dir)
        {
            _apiAddress = api.ListeningAddress(HistoryApiServer.ParseBind(endpoint.Bind));
            ApiAddressFile.Write(dir, _apiAddress); // for `memgrowth leaks` on this directory: ask the node, never write
        }

        var tracked = await _supervisor.Ask<TrackedProcesses>(GetTrackedProcesses.Instance, TimeSpan.FromSeconds(30), ct).ConfigureAwait(false);
        Publisher.Tell(new AgentReady(DateTimeOffset.UtcNow, _host, _source.Name, tracked.Keys.Count, KernelRelease())
        {
            Fleet = _options.Fleet is not null,
            HistoryDir = _options.Fleet is null ? _options.DataDir : null,
            HistoryApi = _apiAddress?.ToString().TrimEnd('/'),
        });
        _heapTrim = NativeHeapTrim.Start();
        if (_options.StatusFile is not null)
        {
            _statusLoop = WriteStatusEverySecondAsync(_stopping.Token);
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

    /// <summary>
    /// The status file, at once and then every second, until the host stops: awaited asks on the pool, not a
    /// timer thread blocked on them (a second's wait for a busy supervisor held a pool thread every second).
    /// </summary>
    private async Task WriteStatusEverySecondAsync(CancellationToken ct)
    {
        using var every = new PeriodicTimer(TimeSpan.FromSeconds(1));
        do
        {
            await WriteStatusAsync().ConfigureAwait(false);
        }
        while (await NextTickAsync(every, ct).ConfigureAwait(false));
    }

    private static async Task<bool> NextTickAsync(PeriodicTimer timer, CancellationToken ct)
    {
        try
        {
            return await timer.WaitForNextTickAsync(ct).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private async Task WriteStatusAsync()
    {
        try
        {
            if (OperatingSystem.IsWindows())
            {
                throw new PlatformNotSupportedException("memgrowth runs on Linux");
            }

            var path = _options.StatusFile!;
            var tracked = await _supervisor.Ask<TrackedProcesses>(GetTrackedProcesses.Instance, TimeSpan.FromSeconds(1)).ConfigureAwait(false);
            var status = new AgentStatus(
                DateTimeOffset.UtcNow, _source.Name, Environment.ProcessId, tracked.Keys.Count,
                Interlocked.Read(ref _eventsReceived), _budget.Dropped, _budget.InFlight, _source.Status(), await OutboxStatusAsync().ConfigureAwait(false));
            // Counters and the probe's numbers, no command line: readable by all, for `memgrowth status`.
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!, StatusMode | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute);
            var temp = path + ".tmp";
            using (var file = new FileStream(temp, new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write, UnixCreateMode = StatusMode }))
            {
                JsonSerializer.Serialize(file, status, AgentStatus.Json);
            }

            File.Move(temp, path, overwrite: true);
            _statusError = null;
        }
        catch (Exception e)
        {
            // The status file is not worth stopping the loop, let alone the process. Said
            // once per cause, not every second (a user who may not write /run/memgrowth).
            if (Interlocked.Exchange(ref _statusError, e.Message) != e.Message)
            {
                _logger.LogWarning("status file {Path} not written ({Message}): `memgrowth status` cannot see this agent; --status-file PATH to write it elsewhere, \"\" for none", _options.StatusFile, e.Message);
            }
        }
    }

    // What the outbox holds and how its disk fares, for `memgrowth status`; null without one, or when its
    // delivery does not answer within a second (the status is written again in a second).
    private async Task<OutboxStatus?> OutboxStatusAsync()
    {
        if (Delivery is null)
        {
            return null;
        }

        try
        {
            var d = await Delivery.Ask<DeliveryStatus>(GetDeliveryStatus.Instance, TimeSpan.FromSeconds(1)).ConfigureAwait(false);
            return new OutboxStatus(d.Pending, d.PendingBytes, d.MaxBytes, d.Dropped, d.Resent, d.WriteFailures, d.Quarantined, d.CorruptBytes, d.OutboxFault);
        }
        catch (AskTimeoutException)
        {
            return null;
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
        if (OperatingSystem.IsWindows())
        {
            throw new PlatformNotSupportedException("memgrowth runs on Linux");
        }

        try
        {
            var full = Path.GetFullPath(path);
            Directory.CreateDirectory(Path.GetDirectoryName(full)!);
            // Detections carry command lines: a file created here is the user's alone (an existing one keeps its mode).
            return new StreamWriter(new FileStream(full, new FileStreamOptions
            {
                Mode = FileMode.Append,
                Access = FileAccess.Write,
                Share = FileShare.Read,
                UnixCreateMode = PrivateModes.File,
            }));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ArgumentException($"--jsonl {path}: cannot open for writing ({e.Message})");
        }
    }
}
