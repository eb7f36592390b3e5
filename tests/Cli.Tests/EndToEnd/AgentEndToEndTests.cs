using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using MemGrowth.NodeAgent.Cgroups;
using MemGrowth.NodeAgent.Sources;
using MemGrowth.NodeAgent.Tests.Cgroups;
using MemGrowth.NodeAgent.Tests.Kernel;
using Xunit;

namespace MemGrowth.Cli.Tests.EndToEnd;

/// <summary>`memgrowth run` against `memgrowth grow`, both real processes, on the real kernel.</summary>
[Collection(EndToEndCollection.Name)]
public sealed class AgentEndToEndTests(AgentProcess agent)
{
    private const double MiB = 1024 * 1024;

    [Fact]
    public void Should_detect_a_1MBps_leak_within_10s_at_the_rate_proc_shows()
    {
        using var grower = AgentProcess.StartMemgrowth("grow", "--pattern", "linear", "--rate", "1", "--duration", "40");
        // The leak starts when the grower says so (after the runtime's own start-up), then t=0 follows.
        Assert.StartsWith($"pid={grower.Id} start", grower.StandardOutput.ReadLine(), StringComparison.Ordinal);
        Assert.StartsWith("t=0", grower.StandardOutput.ReadLine(), StringComparison.Ordinal);
        var started = DateTimeOffset.UtcNow;
        var proc = new List<(double Time, long Rss)>();
        var procfs = new ProcfsReader();
        var clock = Stopwatch.StartNew();
        JsonElement? detected = null, updated = null;
        try
        {
            // Sample /proc/PID/status ourselves, as the reference, for 25 s of the 40 s leak: the agent
            // detects it, and updates its report whenever the refined rate moves by 5 % or more.
            while (clock.Elapsed < TimeSpan.FromSeconds(25))
            {
                if (procfs.ReadStatus(grower.Id) is { VmRssBytes: > 0 } status)
                {
                    proc.Add((clock.Elapsed.TotalSeconds, status.VmRssBytes));
                }

                var lines = agent.Lines();
                detected ??= lines.Cast<JsonElement?>().FirstOrDefault(l => IsFor(l!.Value, "growth_detected", grower.Id));
                updated = lines.Cast<JsonElement?>().LastOrDefault(l => IsFor(l!.Value, "growth_updated", grower.Id));
                Thread.Sleep(200);
            }

            Assert.True(detected is not null, "no growth_detected within 30 s for a 1 MB/s leak");
            var d = detected.Value;
            var latency = Since(started, d, "time");
            Assert.True(latency <= 10, $"detected after {latency:F1} s");
            Assert.Equal("linear", d.GetProperty("pattern").GetString());
            Assert.True(d.GetProperty("rss_bytes").GetInt64() > 0);
            Assert.Contains("grow", d.GetProperty("cmdline").GetString(), StringComparison.Ordinal);

            // The rate against /proc: at detection within 10 % over the span it covers (six or so samples
            // of a runtime whose own heap steps by megabytes); the last report, the one an operator reads,
            // within 5 % of /proc over the whole growth so far (had the refined rate moved further, the
            // agent would have sent a growth_updated).
            AssertRateMatchesProc(d, proc, started, 0.10);
            AssertRateMatchesProc(updated ?? d, proc, started, 0.05, until: clock.Elapsed.TotalSeconds);
        }
        finally
        {
            grower.Kill();
            grower.WaitForExit();
        }

        // A process with an open detection says so when it exits.
        Assert.NotNull(agent.WaitFor(l => IsFor(l, "process_exited", grower.Id), TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public void Should_never_flag_a_stable_process()
    {
        // 64 MiB taken at once, then nothing: one allocation is not a leak. (A .NET or JVM process is not
        // this still: its runtime warms up for seconds, which the classifier may flag and then resolve.)
        using var stable = NativeChild.Start(NativeChild.Path("holder"), "64");
        Assert.Equal("held", stable.StandardOutput.ReadLine());
        var status = agent.WaitFor(_ => false, TimeSpan.FromSeconds(20));
        stable.Kill();
        stable.WaitForExit();

        Assert.Null(status);
        Assert.DoesNotContain(agent.Lines(), l => l.TryGetProperty("pid", out var p) && p.GetInt32() == stable.Id);
    }

    [SkippableFact]
    public void Should_report_the_memory_limit_of_a_limited_cgroup_and_the_time_to_reach_it()
    {
        var mounts = new CgroupResolver().Mounts;
        var hierarchy = mounts.MemoryV1 is { Root: "/" } ? CgroupHierarchy.MemoryV1 : CgroupHierarchy.Unified;
        var reason = CgroupRequirement.Check(hierarchy, mounts);
        Skip.If(reason is not null, reason);
        using var sandbox = new CgroupSandbox(mounts.For(hierarchy)!, hierarchy);
        const long limit = 512L << 20;
        sandbox.SetLimit(sandbox.Path, limit);
        var grower = AgentProcess.StartMemgrowth("grow", "--pattern", "linear", "--rate", "2", "--duration", "40");
        sandbox.Adopt(grower, sandbox.Path);

        var detected = agent.WaitFor(l => IsFor(l, "growth_detected", grower.Id), TimeSpan.FromSeconds(30));

        Assert.True(detected is not null, "no growth_detected within 30 s for a 2 MB/s leak in a limited cgroup");
        var d = detected.Value;
        Assert.Equal(limit, d.GetProperty("memory_limit_bytes").GetInt64());
        Assert.EndsWith(sandbox.Path, d.GetProperty("cgroup").GetString(), StringComparison.Ordinal);
        var rate = d.GetProperty("growth_bytes_per_sec").GetDouble();
        var seconds = d.GetProperty("seconds_to_limit").GetDouble();
        // The group holds what the grower took since it moved in (tens of MiB at most by now).
        Assert.InRange(seconds, (limit - (128L << 20)) / rate, limit / rate);
    }

    [Fact]
    public void Should_explain_what_is_missing_when_not_privileged()
    {
        // The same agent as user nobody: no CAP_BPF, no CAP_PERFMON.
        var info = new ProcessStartInfo("setpriv", ["--reuid=65534", "--regid=65534", "--clear-groups", "env", "HOME=/tmp", "DOTNET_CLI_HOME=/tmp",
            "dotnet", AgentProcess.MemgrowthDll, "run", "--status-file", ""])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var agentAsNobody = Process.Start(info)!;
        var error = agentAsNobody.StandardError.ReadToEnd();
        agentAsNobody.WaitForExit();

        Assert.Equal(3, agentAsNobody.ExitCode);
        Assert.Contains("needs root, or CAP_BPF and CAP_PERFMON", error, StringComparison.Ordinal);
        Assert.Contains("--source procfs", error, StringComparison.Ordinal);
        Assert.DoesNotContain("Unhandled exception", error, StringComparison.Ordinal);
    }

    private static double Since(DateTimeOffset start, JsonElement line, string field) =>
        (line.GetProperty(field).GetDateTimeOffset() - start).TotalSeconds;

    private static void AssertRateMatchesProc(JsonElement report, List<(double Time, long Rss)> proc, DateTimeOffset started, double tolerance, double? until = null)
    {
        var since = Since(started, report, "growth_started");
        until ??= Since(started, report, "time");
        var span = proc.Where(p => p.Time >= since && p.Time <= until).ToList();
        Assert.True(span.Count >= 10, $"only {span.Count} /proc points between {since:F1} s and {until:F1} s");
        var procRate = Slope(span);
        var rate = report.GetProperty("growth_bytes_per_sec").GetDouble();
        Assert.True(Math.Abs(rate - procRate) <= tolerance * procRate,
            $"{report.GetProperty("type").GetString()}: agent says {rate / MiB:F3} MiB/s, /proc shows {procRate / MiB:F3} MiB/s from {since:F1} s to {until:F1} s");
    }

    private static bool IsFor(JsonElement line, string type, int pid) =>
        line.GetProperty("type").GetString() == type && line.TryGetProperty("pid", out var p) && p.GetInt32() == pid;

    /// <summary>Least-squares slope of RSS over time, in bytes per second.</summary>
    internal static double Slope(IReadOnlyList<(double Time, long Rss)> points)
    {
        var mt = points.Average(p => p.Time);
        var mr = points.Average(p => (double)p.Rss);
        var num = points.Sum(p => (p.Time - mt) * (p.Rss - mr));
        var den = points.Sum(p => (p.Time - mt) * (p.Time - mt));
        return den == 0 ? 0 : num / den;
    }
}

[CollectionDefinition(Name)]
public sealed class EndToEndCollection : ICollectionFixture<AgentProcess>
{
    public const string Name = "end-to-end";
}
