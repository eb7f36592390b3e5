using System.Diagnostics;
using System.Text.Json;
using MemGrowth.Analytics.Api;
using MemGrowth.Analytics.ReadModel;
using MemGrowth.Shared.Settings;
using MemGrowth.Validation.Run;

namespace MemGrowth.Tools.Bench;

/// <summary>
/// `memgrowth bench query`: how fast the history API answers the dashboard's question ("this service's
/// leaks of the last hour / day / week") over a large history. Fills a fresh read model through its own
/// schema, starts the real <see cref="HistoryApi"/> on loopback, and times each request over HTTP, from
/// sending it to its last byte read.
/// </summary>
public static class QueryBenchmark
{
    private const int WarmUp = 100;

    public static async Task<int> RunAsync(QueryOptions options, TextWriter output, CancellationToken ct)
    {
        try
        {
            await MeasureAsync(options, output, ct).ConfigureAwait(false);
            return 0;
        }
        catch (BenchmarkException e)
        {
            await Console.Error.WriteLineAsync($"memgrowth bench query: {e.Message}").ConfigureAwait(false);
            return 1;
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            await Console.Error.WriteLineAsync("memgrowth bench query: cancelled; the temporary read model was removed").ConfigureAwait(false);
            return 130;
        }
    }

    private static async Task MeasureAsync(QueryOptions options, TextWriter output, CancellationToken ct)
    {
        var machine = MachineInfo.Read();
        await using var database = await QueryDatabase.CreateAsync(options, ct).ConfigureAwait(false);
        var store = new ReadModelStore(database.Kind, database.ConnectionString);
        await EnsureEmptyAsync(store, database, ct).ConfigureAwait(false);

        await Say(output, $"query: filling {database.Where} with {options.Detections} detections over {options.Leaks} leaks", ct).ConfigureAwait(false);
        var filling = Stopwatch.StartNew();
        var data = QueryDataSet.Generate(options, DateTimeOffset.UtcNow);
        await ReadModelBulkLoad.LoadAsync(store, data.Leaks, data.Reports(), ct).ConfigureAwait(false);
        var fillSeconds = filling.Elapsed.TotalSeconds;

        await using var api = await HistoryApi.StartAsync(store, HistoryApi.DefaultBind, 0, ct).ConfigureAwait(false);
        using var client = new HttpClient { BaseAddress = api.Address, Timeout = TimeSpan.FromSeconds(30) };
        var requests = QueryMix.Generate(data.Leaks, WarmUp + options.Queries, options.Seed);
        await Say(output, $"query: filled in {fillSeconds:0.0} s; {options.Queries} requests to {api.Address} after {WarmUp} warm-up ones", ct).ConfigureAwait(false);

        foreach (var request in requests.Take(WarmUp))
        {
            await SendAsync(client, request, ct).ConfigureAwait(false);
        }

        var samples = new List<(string Shape, double Ms, int Rows)>(options.Queries);
        var measuring = Stopwatch.StartNew();
        foreach (var request in requests.Skip(WarmUp))
        {
            var (ms, rows) = await SendAsync(client, request, ct).ConfigureAwait(false);
            samples.Add((request.Shape, ms, rows));
        }

        var measureSeconds = measuring.Elapsed.TotalSeconds;
        var report = new QueryReport(options, machine, DateTimeOffset.UtcNow, database.Where, fillSeconds, measureSeconds,
            LatencySummary.Of("all", [.. samples.Select(s => (s.Ms, s.Rows))]),
            [.. samples.GroupBy(s => s.Shape, StringComparer.Ordinal).OrderByDescending(g => g.Count())
                .Select(g => LatencySummary.Of(g.Key, [.. g.Select(s => (s.Ms, s.Rows))]))]);
        await output.WriteLineAsync(report.Line()).ConfigureAwait(false);
        if (options.OutPath is { } path)
        {
            await File.WriteAllTextAsync(path, $"# memgrowth bench query\n\n{report.Markdown()}", ct).ConfigureAwait(false);
        }

        if (options.Keep || options.ConnectionString is not null && options.Database == Shared.Settings.JournalDatabase.Sqlite)
        {
            await output.WriteLineAsync($"query: the read model stays in {database.Where}").ConfigureAwait(false);
        }
    }

    /// <summary>One request's wall time in milliseconds, from sending it to its last byte, and how many leaks it returned (counted after the clock stops).</summary>
    private static async Task<(double Ms, int Rows)> SendAsync(HttpClient client, QueryRequest request, CancellationToken ct)
    {
        var started = Stopwatch.GetTimestamp();
        using var response = await client.GetAsync(request.PathAndQuery, ct).ConfigureAwait(false);
        var body = await response.Content.ReadAsByteArrayAsync(ct).ConfigureAwait(false);
        var ms = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        if (!response.IsSuccessStatusCode)
        {
            throw new BenchmarkException($"GET {request.PathAndQuery} answered {(int)response.StatusCode}: {System.Text.Encoding.UTF8.GetString(body)}");
        }

        using var json = JsonDocument.Parse(body);
        return (ms, json.RootElement.GetArrayLength());
    }

    private static async Task EnsureEmptyAsync(ReadModelStore store, QueryDatabase database, CancellationToken ct)
    {
        var query = new LeakQuery(store);
        await store.InitializeAsync(ct).ConfigureAwait(false);
        if ((await query.ListAsync(new LeakFilter(Limit: 1), ct).ConfigureAwait(false)).Count > 0)
        {
            throw new BenchmarkException($"the read model in {database.Where} has leaks already: the benchmark fills a fresh one (leave out --connection-string for a temporary file)");
        }
    }

    private static async Task Say(TextWriter output, string line, CancellationToken ct)
    {
        await output.WriteLineAsync(line).ConfigureAwait(false);
        await output.FlushAsync(ct).ConfigureAwait(false);
    }
}
