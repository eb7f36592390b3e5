using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using MemGrowth.Analytics.Api;
using MemGrowth.Analytics.History;
using MemGrowth.Analytics.Leaks;
using MemGrowth.Analytics.ReadModel;
using MemGrowth.NodeAgent.Agent;
using MemGrowth.Shared.Settings;
using Microsoft.Data.Sqlite;
using static MemGrowth.Cli.Commands.OptionParsers;

namespace MemGrowth.Cli.Commands;

/// <summary>
/// `memgrowth leaks`: the standalone node's leak history, filtered, newest (last seen) first: from the running
/// node's API when one answers, else from its read model, read-only. It never writes the history.
/// </summary>
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

    /// <summary>How long the running node's API has to answer before the database is read instead.</summary>
    private static readonly TimeSpan ApiTimeout = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Never writes: asks the node running on the data directory over its API (api.address there) when one
    /// answers, else reads the read model from a read-only connection, saying when it is behind its journal.
    /// </summary>
    /// <returns>0, or 1 when there is no history at the data directory.</returns>
    public static async Task<int> ListAsync(LeaksOptions options, TextWriter stdout, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(options);
        var database = DataDirectory.DatabasePath(options.DataDir);
        var leaks = ApiAddressFile.Read(options.DataDir) is { } api ? await AskAsync(api, options, ct).ConfigureAwait(false) : null;
        var readable = DataDirectory.RequireReadable(options.DataDir);
        if (leaks is null && !readable)
        {
            await Console.Error.WriteLineAsync($"memgrowth leaks: no history at {database}: `memgrowth run` keeps it there (--data-dir)").ConfigureAwait(false);
            return 1;
        }

        long quarantined = 0;
        if (readable)
        {
            var store = new ReadModelStore(JournalDatabase.Sqlite, ReadOnly(database));
            try
            {
                if (leaks is null)
                {
                    leaks = [.. (await new LeakQuery(store).ListAsync(options.ToFilter(DateTimeOffset.UtcNow), ct).ConfigureAwait(false)).Select(LeakJson.Of)];
                    await SayIfBehindAsync(store, ct).ConfigureAwait(false);
                }

                quarantined = await CountQuarantinedAsync(store, ct).ConfigureAwait(false);
            }
            catch (SqliteException e) when (e.SqliteErrorCode is 11 or 26)
            {
                throw DataDirectory.Unreadable(database, e);
            }
        }

        foreach (var leak in leaks!)
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

    /// <summary>A connection that cannot write, whatever the code behind it does.</summary>
    public static string ReadOnly(string database) => new SqliteConnectionStringBuilder
    {
        DataSource = database,
        Mode = SqliteOpenMode.ReadOnly,
        Pooling = false,
    }.ToString();

    /// <summary>The node's answer, or null when nobody answers there as the history API (a node that crashed left its address).</summary>
    private static async Task<List<LeakJson>?> AskAsync(Uri api, LeaksOptions options, CancellationToken ct)
    {
        using var http = new HttpClient { BaseAddress = api, Timeout = ApiTimeout };
        try
        {
            using var response = await http.GetAsync(new Uri(options.ToQuery(), UriKind.Relative), ct).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                return null;
            }

            await using var body = await response.Content.ReadAsStreamAsync(ct).ConfigureAwait(false);
            return await JsonSerializer.DeserializeAsync<List<LeakJson>>(body, ApiJson.Options, ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is HttpRequestException or JsonException || (e is TaskCanceledException && !ct.IsCancellationRequested))
        {
            return null;
        }
    }

    /// <summary>
    /// One line on stderr when the read model has not taken in all the journal holds: a node stopped without
    /// draining it (a crash; its next start catches it up), or a running node without an API that is about to.
    /// </summary>
    private static async Task SayIfBehindAsync(ReadModelStore store, CancellationToken ct)
    {
        long behind;
        try
        {
            behind = await store.EventsBehindAsync(ct).ConfigureAwait(false);
        }
        catch (SqliteException e) when (e.SqliteErrorCode == 1)
        {
            return; // no read model yet (a history a node never projected): nothing listed, and nothing to say
        }

        if (behind > 0)
        {
            await Console.Error.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"memgrowth leaks: the history may be behind: {behind} journal events are not in its read model yet (the node catches them up while it runs, or at its next start after a crash)")).ConfigureAwait(false);
        }
    }

    // A history a node of an older build keeps has no such table.
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

    private static string JsonLine(LeakJson l) => JsonSerializer.Serialize(l, ApiJson.Options);

    private static string TextLine(LeakJson l) => string.Create(CultureInfo.InvariantCulture,
        $"{l.LastReport.UtcDateTime:yyyy-MM-dd HH:mm:ss}Z  {l.Status.ToString().ToLowerInvariant(),-10} {l.Host}/{l.Pid} {l.Comm,-16} {l.Pattern.ToString().ToLowerInvariant(),-12} {l.GrowthBytesPerSec / 1048576.0,9:0.000} MiB/s  since {l.GrowthStarted.UtcDateTime:yyyy-MM-dd HH:mm:ss}Z  service {l.Service}");
}
