using System.Diagnostics;
using System.Text.Json;
using MemGrowth.NodeAgent.Cgroups;
using MemGrowth.NodeAgent.Tests.Cgroups;
using Xunit;

namespace MemGrowth.Cli.Tests.EndToEnd;

/// <summary>
/// A leak that ends in the kernel's OOM killer, for real: `memgrowth grow` in a memory cgroup of its own
/// with a small limit, the real agent watching. The kill is confined to that group; the sandbox kills
/// what is left and removes the group whatever happens.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class OomEndToEndTests(AgentProcess agent)
{
    private const long Limit = 64L << 20;

    [SkippableFact]
    public void Should_report_process_oom_killed_for_a_leak_the_kernel_oom_kills_and_record_the_leak_as_oom_killed()
    {
        var mounts = new CgroupResolver().Mounts;
        var hierarchy = mounts.MemoryV1 is { Root: "/" } ? CgroupHierarchy.MemoryV1 : CgroupHierarchy.Unified;
        var reason = CgroupRequirement.Check(hierarchy, mounts);
        Skip.If(reason is not null, reason);
        using var sandbox = new CgroupSandbox(mounts.For(hierarchy)!, hierarchy);
        sandbox.SetOomKillLimit(sandbox.Path, Limit);

        // 2 MiB/s for up to 120 s: what the grower takes after it joins the group reaches 64 MiB within a
        // few tens of seconds, long after a leak at that rate is detected.
        var grower = AgentProcess.StartMemgrowth("grow", "--pattern", "linear", "--rate", "2", "--duration", "120");
        sandbox.Adopt(grower, sandbox.Path);
        var pid = grower.Id;

        var detected = agent.WaitFor(l => Is(l, "growth_detected", pid), TimeSpan.FromSeconds(60));
        Assert.True(detected is not null, "no growth_detected for a 2 MiB/s leak in a 64 MiB cgroup");
        var killed = agent.WaitFor(l => Is(l, "process_oom_killed", pid), TimeSpan.FromSeconds(90));

        Assert.True(killed is not null, $"no process_oom_killed for pid {pid} (the group's oom_kill count is {sandbox.OomKills(sandbox.Path)})");
        Assert.True(grower.WaitForExit(30_000), "the grower outlived its OOM kill");
        Assert.Equal(137, grower.ExitCode); // SIGKILL
        Assert.Equal(1, sandbox.OomKills(sandbox.Path));
        var k = killed.Value;
        Assert.Equal("linear", k.GetProperty("pattern").GetString());
        Assert.InRange(k.GetProperty("growth_bytes_per_sec").GetDouble(), 1.5 * 1048576, 2.5 * 1048576);
        Assert.True(k.GetProperty("confidence").GetDouble() > 0);
        Assert.InRange(k.GetProperty("rss_bytes").GetInt64(), 1, 1L << 30);
        Assert.Equal(Limit, k.GetProperty("memory_limit_bytes").GetInt64());
        Assert.EndsWith(sandbox.Path, k.GetProperty("cgroup").GetString(), StringComparison.Ordinal);
        Assert.Contains("grow", k.GetProperty("cmdline").GetString(), StringComparison.Ordinal);
        Assert.Single(agent.Lines(), l => l.GetProperty("type").GetString() == "process_oom_killed" && l.GetProperty("pid").GetInt32() == pid);

        // The leak's history says how it ended; and the exit that followed is not reported as a plain one.
        Assert.True(Poll(() => LeakStatus(pid) == "oom_killed", TimeSpan.FromSeconds(15)), $"memgrowth leaks lists pid {pid} as {LeakStatus(pid) ?? "nothing"}, not oom_killed");
        Assert.Null(agent.WaitFor(l => Is(l, "process_exited", pid), TimeSpan.FromSeconds(3)));
    }

    private static bool Is(JsonElement line, string type, int pid) =>
        line.GetProperty("type").GetString() == type && line.TryGetProperty("pid", out var p) && p.GetInt32() == pid;

    private string? LeakStatus(int pid)
    {
        using var leaks = AgentProcess.StartMemgrowth("leaks", "--data-dir", agent.HistoryDir, "--json");
        var lines = leaks.StandardOutput.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        leaks.WaitForExit();
        return lines.Select(l => JsonDocument.Parse(l).RootElement)
            .Where(l => l.GetProperty("pid").GetInt32() == pid)
            .Select(l => l.GetProperty("status").GetString())
            .FirstOrDefault();
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
