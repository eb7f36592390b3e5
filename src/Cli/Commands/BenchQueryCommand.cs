using System.CommandLine;
using MemGrowth.Shared.Settings;
using MemGrowth.Tools.Bench;
using static MemGrowth.Cli.Commands.OptionParsers;

namespace MemGrowth.Cli.Commands;

/// <summary>`memgrowth bench query`: how fast the history API answers the dashboard's question over a large history.</summary>
internal sealed class BenchQueryCommand : VerbCommand<QueryOptions>, IHasHelpDetails
{
    private readonly Option<JournalDatabase> _database = Parsed("--database", "sqlite|postgresql", "where the read model lives (default sqlite)", text => text switch
    {
        "sqlite" => JournalDatabase.Sqlite,
        "postgresql" or "postgres" => JournalDatabase.PostgreSql,
        _ => throw new FormatException($"'{text}' is not sqlite or postgresql"),
    });

    private readonly Option<string?> _connectionString = Text("--connection-string", "CS",
        "SQLite: default a file in a fresh temporary directory, removed at the end; PostgreSQL: required (tests/postgres.sh prints one); the benchmark works in a schema of its own, dropped at the end");

    private readonly Option<int> _detections = Parsed("--detections", "N", "report rows to store (default 1000000), at least one per leak", WholeNumber(1));

    private readonly Option<int> _leaks = Parsed("--leaks", "N", "leaks they belong to (default 50000)", WholeNumber(1));

    private readonly Option<int> _services = Parsed("--services", "N", "services the leaks belong to (default 200)", WholeNumber(1));

    private readonly Option<int> _hosts = Parsed("--hosts", "N", "hosts the leaks run on (default 500)", WholeNumber(1));

    private readonly Option<int> _queries = Parsed("--queries", "N", "timed requests (default 2000), after 100 untimed warm-up ones", WholeNumber(1));

    private readonly Option<int> _seed = Parsed("--seed", "N", "the synthetic data's and queries' random seed (default 1)", WholeNumber(0));

    private readonly Option<bool> _keep = Flag("--keep", "keep the SQLite file or PostgreSQL schema, and say where it is");

    private readonly Option<string?> _out = Text("--out", "PATH", "also write the Markdown result here");

    public BenchQueryCommand()
        : base("query", "how fast the history API answers over a large history")
    {
        foreach (var option in new Option[] { _database, _connectionString, _detections, _leaks, _services, _hosts, _queries, _seed, _keep, _out })
        {
            Add(option);
        }
    }

    /// <exception cref="ArgumentException">Fewer detections than leaks, or PostgreSQL without a connection string.</exception>
    public string HelpDetails => """
        Fills a fresh read model with synthetic detections (report rows) spread over 7 days, starts the history
        API on 127.0.0.1 (ephemeral port) and times GET /api/leaks over HTTP, filtered by service and time (1h,
        24h or 7d), some also by host or status; prints p50/p95/p99/max, requests/s, fill time.
        """;

    public override QueryOptions Settings(ParseResult result)
    {
        var d = new QueryOptions();
        var options = d with
        {
            Database = result.Over(_database, d.Database),
            ConnectionString = result.GetValue(_connectionString),
            Detections = result.Over(_detections, d.Detections),
            Leaks = result.Over(_leaks, d.Leaks),
            Services = result.Over(_services, d.Services),
            Hosts = result.Over(_hosts, d.Hosts),
            Queries = result.Over(_queries, d.Queries),
            Seed = result.Over(_seed, d.Seed),
            Keep = result.GetValue(_keep),
            OutPath = result.GetValue(_out),
        };
        if (options.Detections < options.Leaks)
        {
            throw new ArgumentException($"--detections ({options.Detections}) must be at least --leaks ({options.Leaks}): every leak has its detection");
        }

        return options.Database == JournalDatabase.PostgreSql && string.IsNullOrEmpty(options.ConnectionString)
            ? throw new ArgumentException("--database postgresql needs --connection-string (tests/postgres.sh starts a server and prints one)")
            : options;
    }

    protected override Task<int> RunAsync(QueryOptions settings, ParseResult result, CancellationToken ct) => QueryBenchmark.RunAsync(settings, Console.Out, ct);
}
