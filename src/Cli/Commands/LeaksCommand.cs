using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Akka.Actor;
using Akka.Configuration;
using MemGrowth.Analytics.Api;
using MemGrowth.Analytics.History;
using MemGrowth.Analytics.Leaks;
using MemGrowth.Analytics.Persistence;
using MemGrowth.Analytics.ReadModel;
using MemGrowth.Analytics.Trends;
using MemGrowth.NodeAgent.Agent;
using MemGrowth.Shared.Messages;
using MemGrowth.Shared.Settings;
using Microsoft.Data.Sqlite;
using static MemGrowth.Cli.Commands.OptionParsers;

namespace MemGrowth.Cli.Commands;

/// <summary>`memgrowth leaks`: the standalone node's leak history, read from its read model, filtered, newest (last seen) first.</summary>
internal sealed class LeaksCommand : VerbCommand<LeaksOptions>
{
    /// <summary>Where to look when neither --data-dir nor the configuration names a history.</summary>
    public const string DefaultDataDir = "/var/lib/memgrowth";

    private readonly Option<string?> _host = Text("--host", "H", "only leaks of this host");

    private readonly Option<string?> _service = Text("--service", "S", "only leaks of this service");

    private readonly Option<TimeSpan> _since = Parsed("--since", "DURATION", "only leaks last seen (reported, resolved or ended) within this long (e.g. 30m, 24h, 7d)", Duration);

    private readonly Option<LeakStatus[]> _status = Parsed("--status", "open|resolved|exited|oom", "open (suspected or confirmed), resolved, exited or oom (killed by the OOM killer)", LeakParameters.ParseStatus);

    private readonly Option<bool> _json = Flag("--json", "one JSON object per line instead of a table");

    private readonly Option<string?> _dataDir = Text("--data-dir", "DIR", $"the data directory of `memgrowth run` (default: config/memgrowth.hocon's, else {DefaultDataDir})");

    public LeaksCommand()
        : base("leaks", "the leaks this node recorded, newest first (its history survives restarts)")
    {
        Add(_host);
        Add(_service);
        Add(_since);
        Add(_status);
        Add(_json);
        Add(_dataDir);
    }

    public override LeaksOptions Settings(ParseResult result)
    {
        var defaults = AgentOptions.Load(RunFlags.DefaultConfig);
        return new LeaksOptions(
            result.GetValue(_dataDir) ?? defaults.DataDir ?? DefaultDataDir,
            result.GetValue(_host),
            result.GetValue(_service),
            result.GetResult(_since) is null ? null : result.GetValue(_since),
            result.GetResult(_status) is null ? null : result.GetValue(_status),
            result.GetValue(_json),
            defaults.HistoryRetention);
    }

    protected override Task<int> RunAsync(LeaksOptions settings, ParseResult result, CancellationToken ct) => ListAsync(settings, Console.Out, ct);

    /// <returns>0, or 1 when there is no history at the data directory.</returns>
    public static async Task<int> ListAsync(LeaksOptions options, TextWriter stdout, CancellationToken ct)
    {
        var database = DataDirectory.DatabasePath(options.DataDir);
        if (!DataDirectory.RequireReadable(options.DataDir))
        {
            await Console.Error.WriteLineAsync($"memgrowth leaks: no history at {database}: `memgrowth run` keeps it there (--data-dir)").ConfigureAwait(false);
            return 1;
        }

        // A running node's live projection keeps the read model current (within a couple of seconds). With
        // none running, bring it up to date with what the journal holds past its stored offset, feeding the
        // service trends on the way as the node would, then answer from its tables.
        var connectionString = $"Data Source={database}";
        var store = new ReadModelStore(JournalDatabase.Sqlite, connectionString);
        IReadOnlyList<LeakRow> leaks;
        long quarantined;
        try
        {
            using (var held = TryLock(options.DataDir))
            {
                if (held is not null)
                {
                    await CatchUpAsync(store, connectionString, options.HistoryRetention, ct).ConfigureAwait(false);
                }
            }

            leaks = await new LeakQuery(store).ListAsync(options.ToFilter(DateTimeOffset.UtcNow), ct).ConfigureAwait(false);
            quarantined = await CountQuarantinedAsync(store, ct).ConfigureAwait(false);
        }
        catch (SqliteException e) when (e.SqliteErrorCode is 11 or 26)
        {
            throw DataDirectory.Unreadable(database, e);
        }
        foreach (var leak in leaks)
        {
            await stdout.WriteLineAsync(options.Json ? JsonLine(leak) : TextLine(leak)).ConfigureAwait(false);
        }

        if (!options.Json)
        {
            await stdout.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"{leaks.Count} leaks")).ConfigureAwait(false);
        }

        // On stderr, so that --json's output stays one leak per line.
        if (quarantined > 0)
        {
            await Console.Error.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"memgrowth leaks: {quarantined} journal events could not be projected and are set aside (table quarantined_events in {database})")).ConfigureAwait(false);
        }

        return 0;
    }

    // A history a node of an older build keeps (running, so not brought up to date here) has no such table.
    private static async Task<long> CountQuarantinedAsync(ReadModelStore store, CancellationToken ct)
    {
        try
        {
            return await store.CountQuarantinedAsync(ct).ConfigureAwait(false);
        }
        catch (SqliteException e) when (e.SqliteErrorCode == 1)
        {
            return 0;
        }
    }

    private static HistoryLock? TryLock(string dataDir)
    {
        try
        {
            return HistoryLock.TryAcquire(dataDir, out _);
        }
        catch (Exception e) when (e is UnauthorizedAccessException or IOException)
        {
            return null; // a reader without write access (or space) lists what is stored
        }
    }

    private static async Task CatchUpAsync(ReadModelStore store, string connectionString, TimeSpan retention, CancellationToken ct)
    {
        JournalUpgrade.AddTagsColumn(JournalDatabase.Sqlite, connectionString);
        var config = ConfigurationFactory.ParseString(MessageSerializer.Config + "\nakka.loglevel = WARNING")
            .WithFallback(JournalConfig.Load(JournalDatabase.Sqlite, connectionString));
        using var system = ActorSystem.Create("memgrowth-leaks", config);
        try
        {
            var trends = system.ActorOf(TrendRegion.Props(retention), "trends");
            await LeakProjection.CatchUpAsync(system, store, new TrendFeed(trends, store), ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is SqliteException or AskTimeoutException)
        {
            await Console.Error.WriteLineAsync($"memgrowth leaks: cannot bring the history up to date ({e.Message}): listing it as last stored").ConfigureAwait(false);
        }
        finally
        {
            await system.Terminate().ConfigureAwait(false);
        }
    }

    private static string JsonLine(LeakRow l) => JsonSerializer.Serialize(LeakJson.Of(l), ApiJson.Options);

    private static string TextLine(LeakRow l) => string.Create(CultureInfo.InvariantCulture,
        $"{l.Latest.Time.UtcDateTime:yyyy-MM-dd HH:mm:ss}Z  {l.Status.ToString().ToLowerInvariant(),-10} {l.Leak.Host}/{l.Leak.Pid} {l.Comm,-16} {l.Latest.Pattern.ToString().ToLowerInvariant(),-12} {l.Latest.BytesPerSecond / 1048576.0,9:0.000} MiB/s  since {l.GrowthStarted.UtcDateTime:yyyy-MM-dd HH:mm:ss}Z  service {l.Service}");
}
