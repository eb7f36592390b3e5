using System.Diagnostics;
using System.Text.Json;
using Xunit;

namespace MemGrowth.NodeAgent.Tests.EndToEnd;

/// <summary>
/// The standalone node's leak history: `memgrowth run` journals what it detects into SQLite under its data
/// directory, and `memgrowth leaks` lists it, including after the agent was killed and started again.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class HistoryEndToEndTests : IDisposable
{
    private readonly string _history = Directory.CreateTempSubdirectory("memgrowth-history").FullName;

    [Fact]
    public void A_detected_leak_is_listed_by_memgrowth_leaks_and_survives_an_agent_restart()
    {
        int pid;
        using (var agent = new AgentProcess(_history))
        {
            using var grower = AgentProcess.StartMemgrowth("grow", "--pattern", "linear", "--rate", "2", "--duration", "12");
            pid = grower.Id;
            Assert.NotNull(agent.WaitFor(l => Is(l, "growth_detected", pid), TimeSpan.FromSeconds(30)));
            grower.WaitForExit();
            Assert.NotNull(agent.WaitFor(l => Is(l, "process_exited", pid), TimeSpan.FromSeconds(30)));

            // The entity journals asynchronously: ask the history until it has the exit too.
            Assert.True(Poll(() => Leak(pid)?.GetProperty("status").GetString() == "exited", TimeSpan.FromSeconds(15)), "memgrowth leaks never listed the exited leak");
        }

        // Killed (SIGKILL) and started again on the same data directory: the history is still there.
        using (new AgentProcess(_history))
        {
            var leak = Leak(pid);

            Assert.NotNull(leak);
            Assert.Equal("exited", leak.Value.GetProperty("status").GetString());
            Assert.Equal("linear", leak.Value.GetProperty("pattern").GetString());
            Assert.InRange(leak.Value.GetProperty("growth_bytes_per_sec").GetDouble(), 1.8 * 1048576, 2.2 * 1048576);
        }
    }

    public void Dispose() => Directory.Delete(_history, recursive: true);

    private static bool Is(JsonElement line, string type, int pid) =>
        line.GetProperty("type").GetString() == type && line.TryGetProperty("pid", out var p) && p.GetInt32() == pid;

    private JsonElement? Leak(int pid)
    {
        using var leaks = AgentProcess.StartMemgrowth("leaks", "--data-dir", _history, "--json");
        var lines = leaks.StandardOutput.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        leaks.WaitForExit();
        Assert.True(leaks.ExitCode == 0, $"memgrowth leaks exited {leaks.ExitCode}: {leaks.StandardError.ReadToEnd()}");
        foreach (var line in lines)
        {
            var json = JsonDocument.Parse(line).RootElement;
            if (json.GetProperty("pid").GetInt32() == pid)
            {
                return json.Clone();
            }
        }

        return null;
    }

    private static bool Poll(Func<bool> done, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < timeout)
        {
            if (done())
            {
                return true;
            }

            Thread.Sleep(250);
        }

        return done();
    }
}
