using MemGrowth.Cli.Tests.EndToEnd;
using MemGrowth.NodeAgent.Tests.Kernel;
using Microsoft.Data.Sqlite;
using Xunit;

namespace MemGrowth.Cli.Tests.Fleet;

/// <summary>
/// The real `memgrowth agent` (eBPF probe) in a one-node fleet whose analytics node journals to the
/// default embedded SQLite: a leaking process it detects ends up as a journaled leak on the analytics node.
/// </summary>
[Collection("fleet")]
public sealed class FleetAgentEndToEndTests
{
    [Fact]
    public async Task A_leak_the_agent_detects_is_journaled_by_the_analytics_node_and_nothing_of_it_stays_in_the_outbox()
    {
        KernelRequirement.Require();
        var dir = Directory.CreateTempSubdirectory("memgrowth-fleet-e2e-").FullName;
        try
        {
            var port = FleetProcess.FreePort();
            var database = Path.Combine(dir, "fleet.db");
            using var analytics = new FleetProcess("analytics", new Dictionary<string, string>
            {
                ["MEMGROWTH_ANALYTICS_PORT"] = $"{port}",
                ["MEMGROWTH_SEED_NODES"] = $"127.0.0.1:{port}",
                ["MEMGROWTH_CONNECTION_STRING"] = $"Data Source={database}",
                ["MEMGROWTH_API_PORT"] = "0",
            }, "analytics");
            await analytics.WaitForLineAsync(l => l.StartsWith("analytics node up", StringComparison.Ordinal), TimeSpan.FromSeconds(60));

            var jsonl = Path.Combine(dir, "agent.jsonl");
            var outbox = Path.Combine(dir, "outbox");
            using var agent = new FleetProcess("agent", new Dictionary<string, string>
            {
                ["MEMGROWTH_SEED_NODES"] = $"127.0.0.1:{port}",
                ["MEMGROWTH_OUTBOX_DIR"] = outbox,
            }, "agent", "--jsonl", jsonl, "--status-file", "", "--quiet");
            await WaitUntil(() => Jsonl.Lines(jsonl).Any(d => d.Type == "agent_ready") || agent.HasExited, TimeSpan.FromSeconds(60), "no agent_ready");
            Assert.False(agent.HasExited, agent.Output);

            using var grower = AgentProcess.StartMemgrowth("grow", "--pattern", "linear", "--rate", "2", "--duration", "15");
            var pid = grower.Id;
            await WaitUntil(() => Jsonl.Lines(jsonl).Any(d => d.Type == "growth_detected" && d.Pid == pid), TimeSpan.FromSeconds(60), $"the agent did not detect pid {pid}");

            // The leak's journal on the analytics node: opened, and it ends when the grower exits.
            await WaitUntil(() => JournaledManifests(database, pid).Contains("leak-opened.v1"), TimeSpan.FromSeconds(30), $"pid {pid} was not journaled by analytics");
            Assert.True(grower.WaitForExit(60_000));
            await WaitUntil(() => JournaledManifests(database, pid).Contains("leak-ended.v1"), TimeSpan.FromSeconds(30), $"pid {pid}'s exit was not journaled");

            // A graceful stop leaves nothing of the leak to deliver again. On a busy host other processes
            // may be detected in the stop's last moment: those stay in the outbox for the next start.
            await agent.StopAsync(TimeSpan.FromSeconds(30));
            using var left = MemGrowth.NodeAgent.Delivery.Outbox.Open(outbox, 32 << 20);
            Assert.DoesNotContain(left.PendingSeqs.Select(left.Get), d => d.Process.Key.Pid == pid);
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            Directory.Delete(dir, recursive: true);
        }
    }

    private static List<string> JournaledManifests(string database, int pid)
    {
        if (!File.Exists(database))
        {
            return [];
        }

        using var connection = new SqliteConnection($"Data Source={database};Mode=ReadOnly;Default Timeout=5");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT manifest FROM journal WHERE persistence_id LIKE @id ORDER BY sequence_number";
        command.Parameters.AddWithValue("@id", $"leak-{Environment.MachineName}/{pid}/%");
        try
        {
            using var reader = command.ExecuteReader();
            var manifests = new List<string>();
            while (reader.Read())
            {
                manifests.Add(reader.GetString(0));
            }

            return manifests;
        }
        catch (SqliteException)
        {
            return []; // the journal table is created with the first write
        }
    }

    private static async Task WaitUntil(Func<bool> condition, TimeSpan timeout, string failure)
    {
        using var cts = new CancellationTokenSource(timeout);
        while (!condition())
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
