using System.Globalization;
using MemGrowth.Analytics.Persistence;
using MemGrowth.Shared.Settings;

namespace MemGrowth.Tools.Bench;

/// <summary>What `memgrowth bench query` is told. Bad values fail here, naming the option.</summary>
internal sealed record QueryOptions
{
    public const string Usage = """
        usage: memgrowth bench query [options]
          fills a fresh read model with synthetic detections (report rows) spread over 7 days, starts the
          history API on 127.0.0.1 (ephemeral port) and times GET /api/leaks over HTTP, filtered by service
          and time (1h, 24h or 7d), some also by host or status; prints p50/p95/p99/max, requests/s, fill time
          --database sqlite|postgresql  where the read model lives (default sqlite)
          --connection-string CS  SQLite: default a file in a fresh temporary directory, removed at the end;
                                  PostgreSQL: required (tests/postgres.sh prints one); the benchmark works in
                                  a schema of its own, dropped at the end
          --detections N          report rows to store (default 1000000), at least one per leak
          --leaks N               leaks they belong to (default 50000)
          --services N            services the leaks belong to (default 200)
          --hosts N               hosts the leaks run on (default 500)
          --queries N             timed requests (default 2000), after 100 untimed warm-up ones
          --seed N                the synthetic data's and queries' random seed (default 1)
          --keep                  keep the SQLite file or PostgreSQL schema, and say where it is
          --out PATH              also write the Markdown result here
        """;

    public JournalDatabase Database { get; init; } = JournalDatabase.Sqlite;

    public string? ConnectionString { get; init; }

    public int Detections { get; init; } = 1_000_000;

    public int Leaks { get; init; } = 50_000;

    public int Services { get; init; } = 200;

    public int Hosts { get; init; } = 500;

    public int Queries { get; init; } = 2000;

    public int Seed { get; init; } = 1;

    public bool Keep { get; init; }

    public string? OutPath { get; init; }

    public bool Help { get; init; }

    public static QueryOptions Parse(IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var options = new QueryOptions();
        for (var i = 0; i < args.Count; i++)
        {
            var name = args[i];
            string Value() => i + 1 < args.Count ? args[++i] : throw new ArgumentException($"{name} needs a value\n{Usage}");
            int Count(int least) => int.TryParse(Value(), NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= least
                ? n
                : throw new ArgumentException($"{name} must be a whole number ≥ {least}");
            options = name switch
            {
                "--database" => options with { Database = DatabaseOf(name, Value()) },
                "--connection-string" => options with { ConnectionString = Value() },
                "--detections" => options with { Detections = Count(1) },
                "--leaks" => options with { Leaks = Count(1) },
                "--services" => options with { Services = Count(1) },
                "--hosts" => options with { Hosts = Count(1) },
                "--queries" => options with { Queries = Count(1) },
                "--seed" => options with { Seed = Count(0) },
                "--keep" => options with { Keep = true },
                "--out" => options with { OutPath = Value() },
                "--help" or "-h" => options with { Help = true },
                _ => throw new ArgumentException($"unknown option {name}\n{Usage}"),
            };
        }

        if (options.Help)
        {
            return options;
        }

        if (options.Detections < options.Leaks)
        {
            throw new ArgumentException($"--detections ({options.Detections}) must be at least --leaks ({options.Leaks}): every leak has its detection");
        }

        if (options.Database == JournalDatabase.PostgreSql && string.IsNullOrEmpty(options.ConnectionString))
        {
            throw new ArgumentException("--database postgresql needs --connection-string (tests/postgres.sh starts a server and prints one)");
        }

        return options;
    }

    private static JournalDatabase DatabaseOf(string name, string value) => value switch
    {
        "sqlite" => JournalDatabase.Sqlite,
        "postgresql" or "postgres" => JournalDatabase.PostgreSql,
        _ => throw new ArgumentException($"{name} is sqlite or postgresql, not '{value}'"),
    };
}
