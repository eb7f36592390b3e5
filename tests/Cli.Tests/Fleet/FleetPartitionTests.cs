using MemGrowth.Cli.Tests.EndToEnd;
using MemGrowth.NodeAgent.Tests.Kernel;
using Npgsql;
using Xunit;

namespace MemGrowth.Cli.Tests.Fleet;

/// <summary>
/// The network between an agent and the analytics nodes drops: the real `memgrowth agent` runs in a
/// network namespace of its own (a second host), two analytics nodes on the host side of a veth pair, and
/// the test cuts the link for longer than down-after. The cluster downs the agent; the agent goes on
/// detecting, buffers on disk, joins again when the link is back, and every detection of the leak it saw
/// during the cut is journaled, once.
/// </summary>
[Collection("fleet")]
public sealed class FleetPartitionTests
{
    [Fact]
    public async Task An_agent_cut_off_from_analytics_keeps_detecting_and_delivers_everything_once_the_network_is_back()
    {
        KernelRequirement.Require();
        var db = await FleetJournal.CreateSchemaAsync();
        var dir = Directory.CreateTempSubdirectory("memgrowth-partition-").FullName;
        using var net = NetworkNamespace.Create();
        try
        {
            int p1 = FleetProcess.FreePort(), p2 = FleetProcess.FreePort();
            var seeds = $"{net.HostAddress}:{p1},{net.HostAddress}:{p2}";
            Dictionary<string, string> Analytics(int port) => new(FleetJournal.AnalyticsEnvironment(db, port, [p1, p2]))
            {
                ["MEMGROWTH_HOSTNAME"] = net.HostAddress,
                ["MEMGROWTH_SEED_NODES"] = seeds,
            };

            using var first = new FleetProcess("analytics-1", Analytics(p1), "analytics");
            await first.WaitForLineAsync(l => l.StartsWith("analytics node up", StringComparison.Ordinal), TimeSpan.FromSeconds(60));
            using var second = new FleetProcess("analytics-2", Analytics(p2), "analytics");
            await second.WaitForLineAsync(l => l.StartsWith("analytics node up", StringComparison.Ordinal), TimeSpan.FromSeconds(60));

            var jsonl = Path.Combine(dir, "agent.jsonl");
            using var agent = new FleetProcess("agent", net.Exec, new Dictionary<string, string>
            {
                ["MEMGROWTH_HOSTNAME"] = net.InsideAddress,
                ["MEMGROWTH_SEED_NODES"] = seeds,
                ["MEMGROWTH_DOWN_AFTER"] = "3s",
                ["MEMGROWTH_OUTBOX_DIR"] = Path.Combine(dir, "outbox"),
            }, "agent", "--jsonl", jsonl, "--status-file", "", "--quiet");
            await WaitUntil(() => Jsonl.Lines(jsonl).Any(l => l.Type == "agent_ready") || agent.HasExited, TimeSpan.FromSeconds(60), "no agent_ready");

            // Joined: a leak before the cut is journaled.
            var before = await LeakJournaledAsync(db, agent, TimeSpan.FromSeconds(60));

            net.Cut();
            await agent.WaitForLineAsync(l => l.Contains("removed from the fleet cluster", StringComparison.Ordinal), TimeSpan.FromSeconds(60));
            using (var grower = AgentProcess.StartMemgrowth("grow", "--pattern", "linear", "--rate", "2", "--duration", "60"))
            {
                await WaitUntil(() => Jsonl.Lines(jsonl).Any(l => l.Type == "growth_detected" && l.Pid == grower.Id), TimeSpan.FromSeconds(30), "no detection during the cut");

                // Killed while still leaking (a grower that ends by itself frees its memory first, and its
                // leak may resolve before it exits): the leak ends with the process.
                grower.Kill();
                Assert.True(grower.WaitForExit(60_000));
                await WaitUntil(() => Jsonl.Lines(jsonl).Any(l => l.Type == "process_exited" && l.Pid == grower.Id), TimeSpan.FromSeconds(30), "no exit during the cut");
                Assert.Empty(await ManifestsAsync(db, grower.Id));
                Assert.False(agent.HasExited, agent.Tail());

                net.Restore();
                await WaitUntil(async () => (await ManifestsAsync(db, grower.Id)).Contains("leak-ended.v1"), TimeSpan.FromSeconds(90), $"pid {grower.Id}'s leak was not journaled after the link came back:\n{agent.Tail()}");
                var manifests = await ManifestsAsync(db, grower.Id);
                Assert.Equal(1, manifests.Count(m => m == "leak-opened.v1"));
                Assert.Equal(1, manifests.Count(m => m == "leak-ended.v1"));

                // Every report the agent printed during the cut is journaled exactly once.
                var printed = Jsonl.Lines(jsonl).Count(l => l.Pid == grower.Id && l.Type is "growth_detected" or "growth_updated");
                Assert.Equal(printed, manifests.Count(m => m is "leak-opened.v1" or "leak-reported.v1"));
            }

            Assert.Contains("leak-opened.v1", await ManifestsAsync(db, before));
            Assert.False(agent.HasExited, agent.Tail());
        }
        finally
        {
            await FleetJournal.DropSchemaAsync(db);
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public async Task An_agent_left_in_a_cluster_without_analytics_joins_the_analytics_node_that_started_again()
    {
        KernelRequirement.Require();
        var db = await FleetJournal.CreateSchemaAsync();
        var dir = Directory.CreateTempSubdirectory("memgrowth-rejoin-").FullName;
        try
        {
            var port = FleetProcess.FreePort();
            var first = new FleetProcess("analytics", FleetJournal.AnalyticsEnvironment(db, port, [port]), "analytics");
            await first.WaitForLineAsync(l => l.StartsWith("analytics node up", StringComparison.Ordinal), TimeSpan.FromSeconds(60));
            var jsonl = Path.Combine(dir, "agent.jsonl");
            using var agent = new FleetProcess("agent", new Dictionary<string, string>
            {
                ["MEMGROWTH_SEED_NODES"] = $"127.0.0.1:{port}",
                ["MEMGROWTH_DOWN_AFTER"] = "3s",
                ["MEMGROWTH_OUTBOX_DIR"] = Path.Combine(dir, "outbox"),
            }, "agent", "--jsonl", jsonl, "--status-file", "", "--quiet");
            await WaitUntil(() => Jsonl.Lines(jsonl).Any(l => l.Type == "agent_ready") || agent.HasExited, TimeSpan.FromSeconds(60), "no agent_ready");
            var before = await LeakJournaledAsync(db, agent, TimeSpan.FromSeconds(60));

            // The analytics node stops (gracefully: the agent stays, alone, in the old cluster) and starts
            // again from its seeds, which makes a new cluster.
            await first.StopAsync(TimeSpan.FromSeconds(30));
            first.Dispose();
            using var again = new FleetProcess("analytics again", FleetJournal.AnalyticsEnvironment(db, port, [port]), "analytics");
            await again.WaitForLineAsync(l => l.StartsWith("analytics node up", StringComparison.Ordinal), TimeSpan.FromSeconds(60));

            await agent.WaitForLineAsync(l => l.Contains("no analytics node in this agent's cluster", StringComparison.Ordinal), TimeSpan.FromSeconds(60));
            var after = await LeakJournaledAsync(db, agent, TimeSpan.FromSeconds(90));

            Assert.NotEqual(before, after);
            Assert.False(agent.HasExited, agent.Tail());
        }
        finally
        {
            await FleetJournal.DropSchemaAsync(db);
            Directory.Delete(dir, recursive: true);
        }
    }

    // A leak detected while connected, journaled: its pid.
    private static async Task<int> LeakJournaledAsync(string db, FleetProcess agent, TimeSpan timeout)
    {
        using var grower = AgentProcess.StartMemgrowth("grow", "--pattern", "linear", "--rate", "2", "--duration", "30");
        await WaitUntil(async () => (await ManifestsAsync(db, grower.Id)).Contains("leak-opened.v1"), timeout, $"pid {grower.Id}'s leak was not journaled; the agent said:\n{agent.Tail()}\n");
        grower.Kill();
        return grower.Id;
    }

    private static async Task<List<string>> ManifestsAsync(string db, int pid)
    {
        await using var connection = new NpgsqlConnection(db);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT manifest FROM journal WHERE persistence_id LIKE @id ORDER BY sequence_number";
        command.Parameters.AddWithValue("id", $"leak-{Environment.MachineName}/{pid}/%");
        try
        {
            await using var reader = await command.ExecuteReaderAsync();
            var manifests = new List<string>();
            while (await reader.ReadAsync())
            {
                manifests.Add(reader.GetString(0));
            }

            return manifests;
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UndefinedTable)
        {
            return []; // the journal is created with the first write
        }
    }

    private static Task WaitUntil(Func<bool> condition, TimeSpan timeout, string failure) =>
        WaitUntil(() => Task.FromResult(condition()), timeout, failure);

    private static async Task WaitUntil(Func<Task<bool>> condition, TimeSpan timeout, string failure)
    {
        using var cts = new CancellationTokenSource(timeout);
        while (!await condition())
        {
            try
            {
                await Task.Delay(200, cts.Token);
            }
            catch (OperationCanceledException)
            {
                Assert.Fail(failure + $" within {timeout.TotalSeconds} s");
            }
        }
    }
}
