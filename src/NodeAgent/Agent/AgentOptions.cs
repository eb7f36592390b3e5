using Akka.Configuration;
using MemGrowth.NodeAgent.Probe;
using MemGrowth.Shared.Fleet;
using MemGrowth.Shared.Growth;
using MemGrowth.Shared.Settings;

namespace MemGrowth.NodeAgent.Agent;

public enum SourceKind
{
    Bpf,
    Procfs,
}

/// <summary>
/// Everything `memgrowth run` is told: config/memgrowth.hocon (or --config FILE), then the command
/// line on top (parsed by the executable's run command). Bad config values fail here, with the key and what
/// would be accepted.
/// </summary>
public sealed record AgentOptions
{
    private static readonly HashSet<string> KnownKeys =
    [
        "source", "interval", "min-delta", "max-processes", "ring-buffer", "max-in-flight-events",
        "confidence-threshold", "window", "liveness-sweep", "status-file", "startup-grace", "data-dir", "api",
        "history-retention", "watch-self",
    ];

    public SourceKind Source { get; init; } = SourceKind.Bpf;

    public TimeSpan Interval { get; init; } = TimeSpan.FromSeconds(1);

    public long MinDeltaBytes { get; init; } = 32 * 1024;

    public uint MaxProcesses { get; init; } = 32768;

    public uint RingBufferBytes { get; init; } = 4 * 1024 * 1024;

    public long MaxInFlightEvents { get; init; } = 200_000;

    public double ConfidenceThreshold { get; init; } = 0.6;

    public TimeSpan Window { get; init; } = TimeSpan.FromSeconds(300);

    public TimeSpan LivenessSweep { get; init; } = TimeSpan.FromSeconds(10);

    public TimeSpan StartupGrace { get; init; } = TimeSpan.FromSeconds(1);

    public string? StatusFile { get; init; } = "/run/memgrowth/status.json";

    /// <summary>
    /// Where the standalone node keeps its leak history (an SQLite journal, its read model and the outbox
    /// of detections not yet journaled); null for none. config/memgrowth.hocon sets /var/lib/memgrowth.
    /// </summary>
    public string? DataDir { get; init; }

    /// <summary>Where the standalone node serves its history over HTTP (with a data directory); null for nowhere.</summary>
    public ApiEndpoint? Api { get; init; }

    /// <summary>How long the history keeps a closed leak in detail (see <see cref="HistoryRetention"/>).</summary>
    public TimeSpan HistoryRetention { get; init; } = Shared.Settings.HistoryRetention.Default;

    /// <summary>JSON lines destination: a path, "-" for stdout, or null for none.</summary>
    public string? JsonlPath { get; init; }

    /// <summary>Write every source event to this CSV file (for replaying a session offline).</summary>
    public string? TracePath { get; init; }

    /// <summary>No human lines on the console (JSON to stdout stays clean).</summary>
    public bool Quiet { get; init; }

    /// <summary>Report MemGrowth's own nodes on this host (run, agent, analytics) like any process; off by default.</summary>
    public bool WatchSelf { get; init; }

    /// <summary>Stop after this long (tests, benchmarks); null runs until Ctrl-C or SIGTERM.</summary>
    public TimeSpan? Duration { get; init; }

    public Config AkkaConfig { get; init; } = Config.Empty;

    /// <summary>Set by `memgrowth agent`: join this fleet and deliver detections to its analytics nodes.</summary>
    public FleetOptions? Fleet { get; init; }

    public ProbeSettings ToProbeSettings() => new()
    {
        Interval = Interval,
        MinDeltaBytes = MinDeltaBytes,
        MaxProcesses = MaxProcesses,
        RingBufferBytes = RingBufferBytes,
    };

    public GrowthSettings ToGrowthSettings() => GrowthSettings.Default with
    {
        ConfidenceThreshold = ConfidenceThreshold,
        WindowSeconds = Window.TotalSeconds,
        SampleIntervalSeconds = Interval.TotalSeconds,
        MinimumDeltaBytes = MinDeltaBytes,
    };

    /// <summary>
    /// The settings <paramref name="configPath"/> gives (what it leaves out keeps its default), before the
    /// command line: `memgrowth run` sets its flags over them, then calls <see cref="Validate"/>.
    /// </summary>
    /// <exception cref="ArgumentException">The file is missing or not HOCON, or has an unknown key or a bad value: one line naming the key.</exception>
    public static AgentOptions Load(string configPath) => FromConfig(HoconFile.Load(configPath, "config file"), configPath);

    public void Validate()
    {
        if (ConfidenceThreshold is <= 0 or > 1)
        {
            throw new ArgumentException($"confidence-threshold must be in (0, 1] (got {ConfidenceThreshold})");
        }

        if (MaxInFlightEvents < 1000)
        {
            throw new ArgumentException($"max-in-flight-events must be ≥ 1000 (got {MaxInFlightEvents})");
        }

        if (Window < TimeSpan.FromSeconds(30))
        {
            throw new ArgumentException($"window must be ≥ 30s (got {Window.TotalSeconds}s)");
        }

        ToProbeSettings().Validate();
        ToGrowthSettings().Validate();
    }

    private static AgentOptions FromConfig(Config root, string path)
    {
        var config = root.GetConfig("memgrowth.agent") ?? Config.Empty;
        foreach (var key in config.AsEnumerable().Select(kv => kv.Key.Split('.')[0]).Distinct())
        {
            if (!KnownKeys.Contains(key))
            {
                throw new ArgumentException($"{path}: unknown key memgrowth.agent.{key} (known: {string.Join(", ", KnownKeys.Order())})");
            }
        }

        var d = new AgentOptions();
        T Read<T>(string key, Func<string, T> read, T fallback)
        {
            if (!config.HasPath(key))
            {
                return fallback;
            }

            try
            {
                return read(key);
            }
            catch (Exception e)
            {
                throw new ArgumentException($"{path}: memgrowth.agent.{key} has a bad value ({e.Message})", e);
            }
        }

        return d with
        {
            Source = Read("source", k => ParseSource(config.GetString(k)), d.Source),
            Interval = Read("interval", k => config.GetTimeSpan(k), d.Interval),
            MinDeltaBytes = Read("min-delta", k => config.GetByteSize(k) ?? d.MinDeltaBytes, d.MinDeltaBytes),
            MaxProcesses = Read("max-processes", k => checked((uint)config.GetLong(k)), d.MaxProcesses),
            RingBufferBytes = Read("ring-buffer", k => checked((uint)(config.GetByteSize(k) ?? d.RingBufferBytes)), d.RingBufferBytes),
            MaxInFlightEvents = Read("max-in-flight-events", k => config.GetLong(k), d.MaxInFlightEvents),
            ConfidenceThreshold = Read("confidence-threshold", k => config.GetDouble(k), d.ConfidenceThreshold),
            Window = Read("window", k => config.GetTimeSpan(k), d.Window),
            LivenessSweep = Read("liveness-sweep", k => config.GetTimeSpan(k), d.LivenessSweep),
            StartupGrace = Read("startup-grace", k => config.GetTimeSpan(k), d.StartupGrace),
            StatusFile = Read("status-file", k => NullIfEmpty(config.GetString(k)), d.StatusFile),
            DataDir = Read("data-dir", k => NullIfEmpty(config.GetString(k)), d.DataDir),
            Api = Read("api", k => ApiEndpoint.Parse(config.GetString(k), k), d.Api),
            WatchSelf = Read("watch-self", k => config.GetBoolean(k), d.WatchSelf),
            HistoryRetention = Read("history-retention", k => Shared.Settings.HistoryRetention.Check(config.GetTimeSpan(k)), d.HistoryRetention),
            AkkaConfig = root,
        };
    }

    /// <summary>"bpf" or "procfs", as the config file and --source write it.</summary>
    /// <exception cref="ArgumentException">Neither.</exception>
    public static SourceKind ParseSource(string value) => value switch
    {
        "bpf" => SourceKind.Bpf,
        "procfs" => SourceKind.Procfs,
        _ => throw new ArgumentException($"source must be bpf or procfs (got '{value}')"),
    };

    private static string? NullIfEmpty(string value) => string.IsNullOrWhiteSpace(value) ? null : value;
}
