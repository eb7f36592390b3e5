using System.Diagnostics;
using System.Text.Json;
using MemGrowth.NodeAgent.Tests.Delivery;
using Xunit;

namespace MemGrowth.Cli.Tests.EndToEnd;

/// <summary>
/// The standalone node with its data directory on a small tmpfs that fills after it started, while a
/// process leaks: its journal and outbox fail with ENOSPC, it goes on detecting, and once the space is freed
/// every detection it wrote to --jsonl (on another file system) reaches the history, once.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class DiskFullEndToEndTests
{
    private static readonly HttpClient Http = new();

    [Fact]
    public async Task Every_detection_made_while_the_disk_was_full_reaches_the_history_once_space_returns()
    {
        using var disk = new SmallTmpfs("16m");
        using var agent = new AgentProcess(Path.Combine(disk.Path, "history"));
        disk.Fill();

        using var grower = AgentProcess.StartMemgrowth("grow", "--pattern", "linear", "--rate", "2", "--duration", "12");
        var pid = grower.Id;
        Assert.NotNull(agent.WaitFor(l => Is(l, "growth_detected", pid), TimeSpan.FromSeconds(30)));
        await grower.WaitForExitAsync();
        Assert.NotNull(agent.WaitFor(l => Is(l, "process_exited", pid), TimeSpan.FromSeconds(30)));
        // The history counts a leak's growth reports (detected, updated); its exit is its status.
        var reports = agent.Lines().Count(l => Is(l, "growth_detected", pid) || Is(l, "growth_updated", pid));

        disk.Free();

        // The history catches up by itself: the outbox resends what the journal refused.
        var leak = await WaitForLeakAsync(agent, pid, l => l.GetProperty("status").GetString() == "exited" && l.GetProperty("reports").GetInt32() >= reports, TimeSpan.FromSeconds(60));
        Assert.Equal(reports, leak.GetProperty("reports").GetInt32());
        Assert.Equal("linear", leak.GetProperty("pattern").GetString());
    }

    private static bool Is(JsonElement line, string type, int pid) =>
        line.GetProperty("type").GetString() == type && line.TryGetProperty("pid", out var p) && p.GetInt32() == pid;

    /// <summary>Asks the node's API until its leak of <paramref name="pid"/> matches; fails with the last answer.</summary>
    private static async Task<JsonElement> WaitForLeakAsync(AgentProcess agent, int pid, Func<JsonElement, bool> match, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        var last = "(no answer)";
        using var every = new PeriodicTimer(TimeSpan.FromMilliseconds(500));
        while (clock.Elapsed < timeout && await every.WaitForNextTickAsync())
        {
            last = await Http.GetStringAsync(new Uri($"{agent.ApiUrl}/api/leaks"));
            using var doc = JsonDocument.Parse(last);
            foreach (var leak in doc.RootElement.EnumerateArray())
            {
                if (leak.GetProperty("pid").GetInt32() == pid && match(leak))
                {
                    return leak.Clone();
                }
            }
        }

        throw new TimeoutException($"the history did not catch up within {timeout.TotalSeconds} s; /api/leaks said: {last}");
    }
}
