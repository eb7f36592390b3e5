using System.Diagnostics;
using Xunit;
using Xunit.Abstractions;

namespace MemGrowth.Cli.Tests.Fleet;

/// <summary>
/// An analytics node whose PostgreSQL goes down mid-stream and comes back: the agent's outbox holds what
/// arrives meanwhile, nothing is lost or journaled twice, and delivery resumes by itself soon after the
/// database returns (the agent's resends are capped, the journal's circuit breaker half-opens within
/// seconds). The database is the test's own server, stopped and started for real.
/// </summary>
[Collection("fleet")]
public sealed class DatabaseOutageTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Up = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Delivery_resumes_after_postgresql_comes_back_and_every_detection_is_journaled_once()
    {
        using var postgres = await PrivatePostgres.StartAsync();
        var port = FleetProcess.FreePort();
        using var node = new FleetProcess("analytics", FleetJournal.AnalyticsEnvironment(postgres.ConnectionString, port, [port]), "analytics");
        await node.WaitForLineAsync(l => l.StartsWith("analytics node up", StringComparison.Ordinal), Up);

        // 800 detections of 20 leaks at 20/s, with the agent's default resend interval (3 s).
        const int count = 800, leaks = 20;
        var host = "outage-" + Guid.NewGuid().ToString("N")[..8];
        var environment = FleetJournal.ProducerEnvironment([port], maxInFlight: 50);
        environment.Remove("MEMGROWTH_RESEND_AFTER");
        using var producer = new FleetProcess("ingest", environment,
            "bench", "ingest", "--count", $"{count}", "--leaks", $"{leaks}", "--rate", "20", "--host", host, "--progress");
        await producer.WaitForLineAsync(l => IngestProgress.Acked(l) >= 100, TimeSpan.FromSeconds(120));

        await postgres.StopServerAsync();
        var stopped = producer.Output.Split('\n').Select(IngestProgress.Acked).Max();

        // 20 s of detections arrive while the database is down: long enough for resends to back off.
        var during = await producer.WaitForLineAsync(l => IngestProgress.Appended(l) >= stopped + 400, TimeSpan.FromSeconds(120));
        Assert.True(IngestProgress.Acked(during) <= stopped + 100, $"detections were acknowledged while the database was down: {during}");
        var down = IngestProgress.Acked(during);

        await postgres.StartServerAsync();
        var back = Stopwatch.StartNew();
        try
        {
            await producer.WaitForLineAsync(l => IngestProgress.Acked(l) > down, TimeSpan.FromSeconds(60));
        }
        catch (TimeoutException)
        {
            output.WriteLine(node.Tail());
            throw;
        }

        var resumed = back.Elapsed;
        output.WriteLine($"delivery resumed {resumed.TotalSeconds:0.0} s after PostgreSQL accepted connections again");

        var exit = await producer.WaitForExitAsync(TimeSpan.FromSeconds(120));
        Assert.True(exit == 0, $"the producer exited {exit}:\n{producer.Tail()}");
        Assert.Contains(producer.Output.Split('\n'), l => l.StartsWith($"ingest: {count} detections acknowledged", StringComparison.Ordinal));
        var journaled = await FleetJournal.ReportsOfHostAsync(postgres.ConnectionString, host);
        Assert.Equal(leaks, journaled.Count);
        Assert.All(journaled, leak => Assert.Equal(count / leaks, leak.Value.Distinct().Count()));
        Assert.All(journaled, leak => Assert.Equal(count / leaks, leak.Value.Count));
        Assert.False(node.HasExited, "the analytics node exited during the outage");

        // The design bound is 10 s (resends capped at 5 s, the breaker's 2 s reset, 1 s ticks); the test's is
        // looser, so that a loaded machine does not fail it, and the time it took is printed above.
        Assert.True(resumed < TimeSpan.FromSeconds(20), $"delivery resumed only {resumed.TotalSeconds:0.0} s after the database came back");
    }
}
