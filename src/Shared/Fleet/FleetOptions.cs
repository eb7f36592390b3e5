using System.Globalization;
using Akka.Configuration;
using MemGrowth.Shared.Messages;
using MemGrowth.Shared.Settings;

namespace MemGrowth.Shared.Fleet;

/// <summary>
/// The fleet settings (<c>memgrowth.fleet</c> in config/fleet.hocon), checked: unknown keys, bad values and
/// impossible combinations are errors naming the key, so a node never starts half-configured.
/// </summary>
public sealed record FleetOptions
{
    private static readonly string[] TopKeys = ["cluster-name", "seed-nodes", "hostname", "public-hostname", "down-after", "analytics", "agent"];
    private static readonly string[] AnalyticsKeys = ["port", "database", "connection-string", "api-bind", "api-port", "passivate-after", "retention"];
    private static readonly string[] AgentKeys = ["port", "outbox-dir", "outbox-max-size", "max-in-flight", "max-batch", "resend-after"];

    /// <summary>Every key's environment variable (documented beside the key in config/fleet.hocon); it wins over the file.</summary>
    public static IReadOnlyDictionary<string, string> EnvironmentVariables { get; } = new Dictionary<string, string>
    {
        ["cluster-name"] = "MEMGROWTH_CLUSTER_NAME",
        ["seed-nodes"] = "MEMGROWTH_SEED_NODES",
        ["hostname"] = "MEMGROWTH_HOSTNAME",
        ["public-hostname"] = "MEMGROWTH_PUBLIC_HOSTNAME",
        ["down-after"] = "MEMGROWTH_DOWN_AFTER",
        ["analytics.port"] = "MEMGROWTH_ANALYTICS_PORT",
        ["analytics.database"] = "MEMGROWTH_DATABASE",
        ["analytics.connection-string"] = "MEMGROWTH_CONNECTION_STRING",
        ["analytics.api-bind"] = "MEMGROWTH_API_BIND",
        ["analytics.api-port"] = "MEMGROWTH_API_PORT",
        ["analytics.passivate-after"] = "MEMGROWTH_PASSIVATE_AFTER",
        ["analytics.retention"] = "MEMGROWTH_RETENTION",
        ["agent.port"] = "MEMGROWTH_AGENT_PORT",
        ["agent.outbox-dir"] = "MEMGROWTH_OUTBOX_DIR",
        ["agent.outbox-max-size"] = "MEMGROWTH_OUTBOX_MAX_SIZE",
        ["agent.max-in-flight"] = "MEMGROWTH_MAX_IN_FLIGHT",
        ["agent.max-batch"] = "MEMGROWTH_MAX_BATCH",
        ["agent.resend-after"] = "MEMGROWTH_RESEND_AFTER",
    };

    public string ClusterName { get; init; } = "memgrowth";

    /// <summary>host:port of each seed node.</summary>
    public IReadOnlyList<(string Host, int Port)> SeedNodes { get; init; } = [("127.0.0.1", 4053)];

    public string Hostname { get; init; } = "127.0.0.1";

    public string? PublicHostname { get; init; }

    public TimeSpan DownAfter { get; init; } = TimeSpan.FromSeconds(7);

    public int AnalyticsPort { get; init; } = 4053;

    public JournalDatabase Database { get; init; } = JournalDatabase.Sqlite;

    public string ConnectionString { get; init; } = "Data Source=/var/lib/memgrowth/fleet.db";

    public string ApiBind { get; init; } = "127.0.0.1";

    public int ApiPort { get; init; } = 8480;

    public TimeSpan PassivateAfter { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>How long the history keeps a closed leak in detail (see <see cref="HistoryRetention"/>).</summary>
    public TimeSpan Retention { get; init; } = HistoryRetention.Default;

    public int AgentPort { get; init; }

    public string OutboxDir { get; init; } = "/var/lib/memgrowth/outbox";

    public long OutboxMaxBytes { get; init; } = 32L << 20;

    public int MaxInFlight { get; init; } = 50;

    /// <summary>Most detections of one leak in one send (see <see cref="DeliverDetections.MostDetections"/>, also the most allowed).</summary>
    public int MaxBatch { get; init; } = DeliverDetections.MostDetections;

    public TimeSpan ResendAfter { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>Reads and checks a fleet config file (HOCON; environment overrides resolve on load).</summary>
    /// <exception cref="ArgumentException">The file is missing, not HOCON, or has an unknown key or a bad value.</exception>
    public static FleetOptions Load(string path) => Load(path, Environment.GetEnvironmentVariables());

    /// <param name="environment">Variables overriding the file (see <see cref="EnvironmentVariables"/>).</param>
    public static FleetOptions Load(string path, System.Collections.IDictionary environment)
    {
        if (!File.Exists(path))
        {
            throw new ArgumentException($"fleet config {path} does not exist (give one with --config)");
        }

        return FromConfig(WithEnvironment(HoconFile.Load(path, "fleet config"), environment), path);
    }

    /// <summary>The environment's values as HOCON strings over the file's (a duration or size parses from a string too).</summary>
    private static Config WithEnvironment(Config root, System.Collections.IDictionary environment)
    {
        var lines = EnvironmentVariables
            .Where(p => environment.Contains(p.Value) && environment[p.Value] is string)
            .Select(p => $"memgrowth.fleet.{p.Key} = {Quote((string)environment[p.Value]!)}")
            .ToList();
        return lines.Count == 0 ? root : ConfigurationFactory.ParseString(string.Join('\n', lines)).WithFallback(root);
    }

    private static string Quote(string value) => "\"" + value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";

    public static FleetOptions FromConfig(Config root, string source)
    {
        ArgumentNullException.ThrowIfNull(root);
        var fleet = Section(root, "memgrowth.fleet", source);
        CheckKeys(fleet, "memgrowth.fleet", TopKeys, source, depth: 1);
        var analytics = Section(fleet, "analytics", source, "memgrowth.fleet.");
        CheckKeys(analytics, "memgrowth.fleet.analytics", AnalyticsKeys, source, depth: 1);
        var agent = Section(fleet, "agent", source, "memgrowth.fleet.");
        CheckKeys(agent, "memgrowth.fleet.agent", AgentKeys, source, depth: 1);

        T Read<T>(Config config, string prefix, string key, Func<string, T> read, T fallback)
        {
            if (!config.HasPath(key))
            {
                return fallback;
            }

            if (config.GetValue(key) is not { } value || value.IsArray() || value.IsObject())
            {
                // GetString returns null for these, which would surface as a NullReferenceException.
                throw new ArgumentException($"{source}: {prefix}.{key} has a bad value (a list or an object where one value belongs{(key == "seed-nodes" ? "; write \"host:port,host:port\"" : "")})");
            }

            try
            {
                return read(key);
            }
            catch (Exception e)
            {
                throw new ArgumentException($"{source}: {prefix}.{key} has a bad value ({e.Message})", e);
            }
        }

        var d = new FleetOptions();
        var options = d with
        {
            ClusterName = Read(fleet, "memgrowth.fleet", "cluster-name", k => ClusterNameOf(fleet.GetString(k)), d.ClusterName),
            SeedNodes = Read(fleet, "memgrowth.fleet", "seed-nodes", k => ParseSeeds(fleet.GetString(k)), d.SeedNodes),
            Hostname = Read(fleet, "memgrowth.fleet", "hostname", k => NonEmpty(fleet.GetString(k)), d.Hostname),
            PublicHostname = Read(fleet, "memgrowth.fleet", "public-hostname", k => NullIfEmpty(fleet.GetString(k)), d.PublicHostname),
            DownAfter = Read(fleet, "memgrowth.fleet", "down-after", k => Positive(fleet.GetTimeSpan(k)), d.DownAfter),
            AnalyticsPort = Read(analytics, "memgrowth.fleet.analytics", "port", k => Port(analytics.GetString(k), allowAny: false), d.AnalyticsPort),
            Database = Read(analytics, "memgrowth.fleet.analytics", "database", k => ParseDatabase(analytics.GetString(k)), d.Database),
            ConnectionString = Read(analytics, "memgrowth.fleet.analytics", "connection-string", k => NonEmpty(analytics.GetString(k)), d.ConnectionString),
            ApiBind = Read(analytics, "memgrowth.fleet.analytics", "api-bind", k => NonEmpty(analytics.GetString(k)), d.ApiBind),
            ApiPort = Read(analytics, "memgrowth.fleet.analytics", "api-port", k => Port(analytics.GetString(k), allowAny: true), d.ApiPort),
            PassivateAfter = Read(analytics, "memgrowth.fleet.analytics", "passivate-after", k => Positive(analytics.GetTimeSpan(k)), d.PassivateAfter),
            Retention = Read(analytics, "memgrowth.fleet.analytics", "retention", k => HistoryRetention.Check(analytics.GetTimeSpan(k)), d.Retention),
            AgentPort = Read(agent, "memgrowth.fleet.agent", "port", k => Port(agent.GetString(k), allowAny: true), d.AgentPort),
            OutboxDir = Read(agent, "memgrowth.fleet.agent", "outbox-dir", k => NonEmpty(agent.GetString(k)), d.OutboxDir),
            OutboxMaxBytes = Read(agent, "memgrowth.fleet.agent", "outbox-max-size", k => AtLeast(agent.GetByteSize(k) ?? 0, 64 << 10), d.OutboxMaxBytes),
            MaxInFlight = Read(agent, "memgrowth.fleet.agent", "max-in-flight", k => (int)AtLeast(agent.GetLong(k), 1), d.MaxInFlight),
            MaxBatch = Read(agent, "memgrowth.fleet.agent", "max-batch", k => (int)Between(agent.GetLong(k), 1, DeliverDetections.MostDetections), d.MaxBatch),
            ResendAfter = Read(agent, "memgrowth.fleet.agent", "resend-after", k => Positive(agent.GetTimeSpan(k)), d.ResendAfter),
        };
        return options;
    }

    // The parser accepts some broken text ("memgrowth.fleet }") and leaves the section a key without an
    // object, which GetConfig hands back as a config that throws NullReferenceException when walked.
    private static Config Section(Config parent, string key, string source, string prefix = "")
    {
        if (!parent.HasPath(key))
        {
            return Config.Empty;
        }

        return parent.GetValue(key) is { } value && value.IsObject()
            ? parent.GetConfig(key)
            : throw new ArgumentException($"{source}: {prefix}{key} must be a section ({{ ... }}); is a brace missing or stray?");
    }

    private static void CheckKeys(Config config, string prefix, string[] known, string source, int depth)
    {
        foreach (var key in config.AsEnumerable().Select(kv => string.Join('.', kv.Key.Split('.').Take(depth))).Distinct())
        {
            if (!known.Contains(key))
            {
                throw new ArgumentException($"{source}: unknown key {prefix}.{key} (known: {string.Join(", ", known.Order())})");
            }
        }
    }

    private static string ClusterNameOf(string value) =>
        value.Length > 0 && value.All(c => char.IsAsciiLetterOrDigit(c) || c == '-') && char.IsAsciiLetter(value[0])
            ? value
            : throw new ArgumentException($"'{value}' is not a cluster name: letters, digits and '-', starting with a letter");

    /// <summary>"host:port,host:port"; at least one.</summary>
    public static IReadOnlyList<(string Host, int Port)> ParseSeeds(string value)
    {
        var seeds = new List<(string, int)>();
        foreach (var item in value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var colon = item.LastIndexOf(':');
            if (colon <= 0)
            {
                throw new ArgumentException($"seed '{item}' is not host:port");
            }

            seeds.Add((item[..colon], Port(item[(colon + 1)..], allowAny: false)));
        }

        return seeds.Count > 0 ? seeds : throw new ArgumentException("no seed nodes: give at least one host:port");
    }

    private static int Port(string value, bool allowAny) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port <= 65535 && (port > 0 || allowAny)
            ? port
            : throw new ArgumentException($"'{value}' is not a port ({(allowAny ? "0" : "1")}..65535)");

    private static JournalDatabase ParseDatabase(string value) => value switch
    {
        "sqlite" => JournalDatabase.Sqlite,
        "postgresql" => JournalDatabase.PostgreSql,
        _ => throw new ArgumentException($"database must be sqlite or postgresql (got '{value}')"),
    };

    private static TimeSpan Positive(TimeSpan value) => value > TimeSpan.Zero ? value : throw new ArgumentException("must be more than 0");

    private static long Between(long value, long least, long most) => value >= least && value <= most ? value : throw new ArgumentException($"must be {least} to {most}");

    private static long AtLeast(long value, long least) => value >= least ? value : throw new ArgumentException($"must be at least {least}");

    private static string NonEmpty(string value) => string.IsNullOrWhiteSpace(value) ? throw new ArgumentException("must not be empty") : value;

    private static string? NullIfEmpty(string value) => string.IsNullOrEmpty(value) ? null : value;
}
