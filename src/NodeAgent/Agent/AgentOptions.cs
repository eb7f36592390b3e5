using System.Globalization;
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
/// line on top. Bad values fail here, with the key and what would be accepted.
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

    public const string Usage = """
        usage: memgrowth run [options]
          --source bpf|procfs      where samples come from (default bpf)
          --jsonl PATH|-           also write one JSON object per line (- for stdout)
          --interval DURATION      coalescing interval, e.g. 1s, 500ms (default 1s)
          --min-delta SIZE         smallest RSS move worth a sample, e.g. 32KiB
          --threshold X            confidence that raises a detection, 0..1 (default 0.6)
          --max-processes N        size of the probe's process map
          --status-file PATH       counters for `memgrowth status` ("" to disable)
          --data-dir DIR           where the leak history is kept (default /var/lib/memgrowth; "" keeps none)
          --api ADDRESS:PORT       serve the history over HTTP there (default 127.0.0.1:8480; "" for no API)
          --config FILE            HOCON file instead of config/memgrowth.hocon
          --duration DURATION      stop after this long
          --trace PATH             write every sample to a CSV file, for offline replay
          --quiet                  no human-readable lines on the console
          --watch-self             also report MemGrowth's own nodes (run, agent, analytics) on this host
        """;

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

    public static AgentOptions Parse(IReadOnlyList<string> args, string defaultConfigPath)
    {
        var configPath = defaultConfigPath;
        for (var i = 0; i < args.Count - 1; i++)
        {
            if (args[i] == "--config")
            {
                configPath = args[i + 1];
            }
        }

        var options = FromConfig(LoadConfig(configPath), configPath);
        for (var i = 0; i < args.Count; i++)
        {
            var name = args[i];
            string Value() => i + 1 < args.Count ? args[++i] : throw new ArgumentException($"{name} needs a value");
            options = name switch
            {
                "--source" => options with { Source = ParseSource(Value(), name) },
                "--jsonl" => options with { JsonlPath = Value() },
                "--interval" => options with { Interval = ParseDuration(Value(), name) },
                "--min-delta" => options with { MinDeltaBytes = ParseSize(Value(), name) },
                "--threshold" => options with { ConfidenceThreshold = ParseDouble(Value(), name) },
                "--max-processes" => options with { MaxProcesses = (uint)ParseSize(Value(), name) },
                "--status-file" => options with { StatusFile = NullIfEmpty(Value()) },
                "--data-dir" => options with { DataDir = NullIfEmpty(Value()) },
                "--api" => options with { Api = ApiEndpoint.Parse(Value(), name) },
                "--config" => Skip(options, Value()),
                "--duration" => options with { Duration = ParseDuration(Value(), name) },
                "--quiet" => options with { Quiet = true },
                "--watch-self" => options with { WatchSelf = true },
                "--trace" => options with { TracePath = Value() },
                _ => throw new ArgumentException($"unknown option {name}\n{Usage}"),
            };
        }

        options.Validate();
        return options;
    }

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

    private static AgentOptions Skip(AgentOptions options, string _) => options;

    private static Config LoadConfig(string path) => HoconFile.Load(path, "config file");

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
            Source = Read("source", k => ParseSource(config.GetString(k), k), d.Source),
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

    private static SourceKind ParseSource(string value, string name) => value switch
    {
        "bpf" => SourceKind.Bpf,
        "procfs" => SourceKind.Procfs,
        _ => throw new ArgumentException($"{name}: source must be bpf or procfs (got '{value}')"),
    };

    public static TimeSpan ParseDuration(string value, string name)
    {
        var units = new (string Suffix, double Seconds)[] { ("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600) };
        foreach (var (suffix, seconds) in units)
        {
            if (value.EndsWith(suffix, StringComparison.Ordinal) &&
                double.TryParse(value[..^suffix.Length], NumberStyles.Float, CultureInfo.InvariantCulture, out var n) && n >= 0)
            {
                return TimeSpan.FromSeconds(n * seconds);
            }
        }

        throw new ArgumentException($"{name}: '{value}' is not a duration (e.g. 500ms, 1s, 5m)");
    }

    public static long ParseSize(string value, string name)
    {
        var units = new (string Suffix, long Bytes)[] { ("KiB", 1024), ("MiB", 1 << 20), ("GiB", 1 << 30), ("k", 1024), ("K", 1024), ("M", 1 << 20), ("G", 1 << 30), ("", 1) };
        foreach (var (suffix, bytes) in units)
        {
            if (value.EndsWith(suffix, StringComparison.Ordinal) &&
                long.TryParse(value.AsSpan(0, value.Length - suffix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var n))
            {
                return n * bytes;
            }
        }

        throw new ArgumentException($"{name}: '{value}' is not a size (e.g. 32KiB, 4MiB, 1000)");
    }

    private static double ParseDouble(string value, string name) =>
        double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var v)
            ? v
            : throw new ArgumentException($"{name}: '{value}' is not a number");

    private static string? NullIfEmpty(string value) => string.IsNullOrWhiteSpace(value) ? null : value;
}
