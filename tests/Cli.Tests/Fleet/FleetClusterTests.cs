using System.Globalization;
using System.Text.RegularExpressions;
using Xunit;

namespace MemGrowth.Cli.Tests.Fleet;

/// <summary>
/// A fleet of separate processes on 127.0.0.1: analytics nodes journaling to the real PostgreSQL, and the
/// ingest producer, which delivers numbered detections through the agent's own outbox and at-least-once
/// delivery. What must hold: every detection is journaled exactly once, whatever node dies.
/// </summary>
[Collection("fleet")]
public sealed class FleetClusterTests
{
    private static readonly TimeSpan Up = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Every_detection_is_journaled_exactly_once_when_an_analytics_node_is_killed_mid_stream()
    {
        var db = await FleetJournal.CreateSchemaAsync();
        await using var _ = Dropping(db);
        int p1 = FleetProcess.FreePort(), p2 = FleetProcess.FreePort();
        using var first = new FleetProcess("analytics-1", FleetJournal.AnalyticsEnvironment(db, p1, [p1, p2]), "analytics");
        await first.WaitForLineAsync(l => l.StartsWith("analytics node up", StringComparison.Ordinal), Up);
        using var second = new FleetProcess("analytics-2", FleetJournal.AnalyticsEnvironment(db, p2, [p1, p2]), "analytics");
        var api = ApiOf(await second.WaitForLineAsync(l => l.StartsWith("analytics node up", StringComparison.Ordinal), Up));

        // 4000 detections of 200 leaks, 20 each, paced by a small in-flight window (4 leaks, 2 detections a
        // send: batches too) so that the stream is still flowing when the oldest analytics node (the shard
        // coordinator, half the shards) is killed.
        const int count = 4000, leaks = 200;
        var host = "kill-" + Guid.NewGuid().ToString("N")[..8];
        using var producer = new FleetProcess("ingest", FleetJournal.ProducerEnvironment([p1, p2], maxInFlight: 4, maxBatch: 2),
            "bench", "ingest", "--count", $"{count}", "--leaks", $"{leaks}", "--host", host, "--progress");
        await producer.WaitForLineAsync(l => IngestProgress.Acked(l) >= 800, TimeSpan.FromSeconds(120));
        first.Kill();

        var exit = await producer.WaitForExitAsync(TimeSpan.FromSeconds(180));
        Assert.True(exit == 0, $"the producer exited {exit}:\n{producer.Tail()}");
        Assert.Contains(producer.Output.Split('\n'), l => l.StartsWith($"ingest: {count} detections acknowledged", StringComparison.Ordinal));
        Assert.Contains(producer.Output.Split('\n'), l => l.Contains("resent", StringComparison.Ordinal) && !l.Contains(" 0 resent", StringComparison.Ordinal));

        var journaled = await FleetJournal.ReportsOfHostAsync(db, host);
        Assert.Equal(leaks, journaled.Count);
        foreach (var (id, times) in journaled)
        {
            // Each leak's 20 reports, one second apart, each once, in order.
            Assert.True(times.Count == count / leaks, $"{id}: {times.Count} reports journaled, expected {count / leaks}");
            Assert.Equal(times.Order(), times);
            Assert.Equal(times.Count, times.Distinct().Count());
        }

        // And in the read model, projected from the journal by whichever analytics node runs it now.
        var listed = await FleetApi.WaitForLeaksAsync(api, host, l => l.Count == leaks && l.All(x => x.Reports == count / leaks), TimeSpan.FromSeconds(60), first, second);
        Assert.All(listed, l => Assert.Equal(count / leaks, l.Reports));
    }

    [Fact]
    public async Task A_history_query_after_a_full_cluster_restart_returns_what_was_there_before()
    {
        var db = await FleetJournal.CreateSchemaAsync();
        await using var _ = Dropping(db);
        int p1 = FleetProcess.FreePort(), p2 = FleetProcess.FreePort();
        const int count = 600, leaks = 30;
        var host = "restart-all-" + Guid.NewGuid().ToString("N")[..8];
        IReadOnlyList<FleetApi.Leak> before;
        System.Text.Json.JsonElement trendBefore;
        using (var first = new FleetProcess("analytics-1", FleetJournal.AnalyticsEnvironment(db, p1, [p1, p2]), "analytics"))
        using (var second = new FleetProcess("analytics-2", FleetJournal.AnalyticsEnvironment(db, p2, [p1, p2]), "analytics"))
        {
            var api = ApiOf(await first.WaitForLineAsync(l => l.StartsWith("analytics node up", StringComparison.Ordinal), Up));
            await second.WaitForLineAsync(l => l.StartsWith("analytics node up", StringComparison.Ordinal), Up);
            using (var producer = new FleetProcess("ingest", FleetJournal.ProducerEnvironment([p1, p2], maxInFlight: 100),
                "bench", "ingest", "--count", $"{count}", "--leaks", $"{leaks}", "--host", host))
            {
                Assert.Equal(0, await producer.WaitForExitAsync(TimeSpan.FromSeconds(120)));
            }

            before = await FleetApi.WaitForLeaksAsync(api, host, l => l.Count == leaks && l.Sum(x => x.Reports) == count, TimeSpan.FromSeconds(60), first, second);
            trendBefore = await FleetApi.WaitForTrendAsync(api, "bench", TimeSpan.FromSeconds(30));
            await second.StopAsync(TimeSpan.FromSeconds(60));
            await first.StopAsync(TimeSpan.FromSeconds(60));
        }

        // A whole new cluster on the same database: the same answer.
        using var again = new FleetProcess("analytics-1 again", FleetJournal.AnalyticsEnvironment(db, p1, [p1]), "analytics");
        var apiAgain = ApiOf(await again.WaitForLineAsync(l => l.StartsWith("analytics node up", StringComparison.Ordinal), Up));
        var after = await FleetApi.LeaksAsync(apiAgain, host);
        var trendAfter = await FleetApi.WaitForTrendAsync(apiAgain, "bench", TimeSpan.FromSeconds(30));

        Assert.Equal(before.OrderBy(l => l.Id), after.OrderBy(l => l.Id));

        // The service's trend entity, fed by the projection and recovered by the new cluster, counts the same leaks.
        Assert.Equal(leaks, trendBefore.GetProperty("processes").GetInt32());
        Assert.Equal(leaks, trendBefore.GetProperty("open_leaks").GetInt32());
        foreach (var field in new[] { "processes", "open_leaks", "hosts_ever", "oom_kills", "first_seen", "last_seen", "rate_max" })
        {
            Assert.Equal(trendBefore.GetProperty(field).ToString(), trendAfter.GetProperty(field).ToString());
        }
    }

    [Fact]
    public async Task An_agent_killed_mid_stream_delivers_its_outbox_when_it_comes_back_nothing_lost_or_doubled()
    {
        var db = await FleetJournal.CreateSchemaAsync();
        await using var _ = Dropping(db);

        // Two analytics nodes and the producer: when the producer dies, the two are a majority and down it.
        int port = FleetProcess.FreePort(), other = FleetProcess.FreePort();
        using var analytics = new FleetProcess("analytics", FleetJournal.AnalyticsEnvironment(db, port, [port, other]), "analytics");
        await analytics.WaitForLineAsync(l => l.StartsWith("analytics node up", StringComparison.Ordinal), Up);
        using var analytics2 = new FleetProcess("analytics-2", FleetJournal.AnalyticsEnvironment(db, other, [port, other]), "analytics");
        await analytics2.WaitForLineAsync(l => l.StartsWith("analytics node up", StringComparison.Ordinal), Up);

        const int count = 1500, leaks = 50;
        var host = "restart-" + Guid.NewGuid().ToString("N")[..8];
        var outbox = Directory.CreateTempSubdirectory("memgrowth-outbox-").FullName;
        try
        {
            // All 1500 are appended to the on-disk outbox at once; one in flight, one at a time, makes delivery slow.
            using (var before = new FleetProcess("ingest-1", FleetJournal.ProducerEnvironment([port], maxInFlight: 1, maxBatch: 1),
                "bench", "ingest", "--count", $"{count}", "--leaks", $"{leaks}", "--host", host, "--outbox", outbox, "--progress"))
            {
                await before.WaitForLineAsync(l => IngestProgress.Acked(l) >= 100 && IngestProgress.Appended(l) == count, TimeSpan.FromSeconds(120));
                before.Kill();
            }

            using var after = new FleetProcess("ingest-2", FleetJournal.ProducerEnvironment([port], maxInFlight: 64),
                "bench", "ingest", "--count", "0", "--host", host, "--outbox", outbox, "--progress");
            var exit = await after.WaitForExitAsync(TimeSpan.FromSeconds(120));
            Assert.True(exit == 0, $"the restarted producer exited {exit}:\n{after.Tail()}");
            // What the first run had not settled comes back from disk (acknowledged records too, until the
            // outbox is compacted: their entities drop them as duplicates).
            var recovered = Regex.Match(after.Output, @"(\d+) recovered from");
            Assert.True(recovered.Success && int.Parse(recovered.Groups[1].Value, CultureInfo.InvariantCulture) > 0, after.Output);

            var journaled = await FleetJournal.ReportsOfHostAsync(db, host);
            Assert.Equal(leaks, journaled.Count);
            Assert.All(journaled, p => Assert.True(p.Value.Count == count / leaks && p.Value.Distinct().Count() == p.Value.Count,
                $"{p.Key}: {p.Value.Count} reports ({p.Value.Distinct().Count()} distinct), expected {count / leaks}"));
        }
        finally
        {
            Directory.Delete(outbox, recursive: true);
        }
    }

    [Theory]
    [InlineData("memgrowth.fleet { colour = blue }", "unknown key memgrowth.fleet.colour")]
    [InlineData("memgrowth.fleet { seed-nodes = \"analytics-1\" }", "memgrowth.fleet.seed-nodes has a bad value (seed 'analytics-1' is not host:port)")]
    [InlineData("memgrowth.fleet.analytics { database = postgresql, connection-string = \"Host=127.0.0.1;Port=1;Username=x;Password=y;Database=z\" }", "postgresql database unreachable")]
    public async Task Bad_config_is_one_clear_message_and_a_non_zero_exit(string hocon, string message)
    {
        var file = Path.GetTempFileName();
        await File.WriteAllTextAsync(file, hocon);
        try
        {
            using var node = new FleetProcess("analytics", new Dictionary<string, string> { ["MEMGROWTH_ANALYTICS_PORT"] = $"{FleetProcess.FreePort()}" }, "analytics", "--config", file);

            Assert.NotEqual(0, await node.WaitForExitAsync(TimeSpan.FromSeconds(60)));
            Assert.Contains(message, node.Output, StringComparison.Ordinal);
            Assert.DoesNotContain("   at ", node.Output, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task A_port_in_use_is_one_clear_message_and_a_non_zero_exit()
    {
        var db = FleetJournal.ConnectionString;
        using var taken = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        taken.Start();
        var port = ((System.Net.IPEndPoint)taken.LocalEndpoint).Port;

        using var node = new FleetProcess("analytics", FleetJournal.AnalyticsEnvironment(db, port, [port]), "analytics");

        Assert.NotEqual(0, await node.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        Assert.Contains($"127.0.0.1:{port} is in use", node.Output, StringComparison.Ordinal);
    }

    /// <summary>Drops the test's schema at the end, whatever happened.</summary>
    private static AsyncDisposable Dropping(string db) => new(() => FleetJournal.DropSchemaAsync(db));

    private sealed class AsyncDisposable(Func<Task> dispose) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync() => await dispose();
    }

    /// <summary>The history API's address from "analytics node up: ..., history API at http://...".</summary>
    private static Uri ApiOf(string upLine) => new(upLine[(upLine.IndexOf("history API at ", StringComparison.Ordinal) + "history API at ".Length)..].Trim());
}
