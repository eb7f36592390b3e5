using System.Globalization;
using MemGrowth.Validation.Run;

namespace MemGrowth.Tools.Bench;

/// <summary>
/// Parts 1–3: the page-fault storm without and with the agent, the probe's cost per hit, and hits
/// against samples. One agent serves all three, so its start-up is paid once.
/// </summary>
internal static class StormBenchmark
{
    public const string RssStatProgram = "on_rss_stat";
    private const int CostStorms = 3;

    // The probe coalesces per 1 s interval and flushes on a timer: a status written this long after
    // the last storm counts every sample the storms caused.
    private static readonly TimeSpan FlushAllowance = TimeSpan.FromSeconds(2.5);

    public static async Task<(StormResult Storm, ProbeCostResult? Cost, HitsResult Hits)> RunAsync(BenchContext ctx, CancellationToken ct)
    {
        var o = ctx.Options;
        using var stats = BpfStatsSetting.Capture();
        using var children = new ChildProcesses();
        BpfStatsSetting.Set(false);

        // The first storm pays for a cold page allocator and JIT: not counted.
        ctx.Say($"storm warm-up ({o.StormGib.ToString(CultureInfo.InvariantCulture)} GiB, not counted)");
        var warmUp = PageFaultStorm.Run(o.StormBytes);
        var without = new List<double>();
        var with = new List<double>();
        Storms(ctx, o.Repeats, "without agent", without, ct);

        HitsResult hits;
        ProbeCostResult? cost;
        using (var agent = await AgentUnderTest.StartAsync(ctx.AgentPath, "bpf", ctx.WorkDir, children, ct).ConfigureAwait(false))
        {
            ctx.Say($"agent {agent.Pid} ready (--source bpf)");
            var before = await agent.StatusAfterAsync(DateTimeOffset.UtcNow, ct).ConfigureAwait(false);
            var pages = Storms(ctx, o.Repeats, "with agent", with, ct);
            var after = await agent.StatusAfterAsync(DateTimeOffset.UtcNow + FlushAllowance, ct).ConfigureAwait(false);
            hits = Hits(before, after, pages);

            BpfStatsSetting.Set(true);
            var costBefore = await agent.StatusAfterAsync(DateTimeOffset.UtcNow, ct).ConfigureAwait(false);
            Storms(ctx, CostStorms, "with agent, kernel.bpf_stats_enabled=1", null, ct);
            var costAfter = await agent.StatusAfterAsync(DateTimeOffset.UtcNow, ct).ConfigureAwait(false);
            BpfStatsSetting.Set(false);
            cost = Cost(costBefore, costAfter, CostStorms);
            ctx.Say($"stopping agent {agent.Pid}");
        }

        Storms(ctx, o.Repeats, "without agent (after it stopped)", without, ct);
        return (new StormResult(warmUp.Bytes, warmUp.Pages, without, with), cost, hits);
    }

    public static HitsResult Hits(AgentStatusSnapshot before, AgentStatusSnapshot after, long pagesTouched)
    {
        var (b, a) = (ProbeOf(before), ProbeOf(after));
        return new HitsResult(pagesTouched, a.Hits - b.Hits, a.Samples - b.Samples, a.RingDrops - b.RingDrops, a.MapFull - b.MapFull);
    }

    /// <summary>Null when the agent reports no rss_stat program (a probe built without it).</summary>
    public static ProbeCostResult? Cost(AgentStatusSnapshot before, AgentStatusSnapshot after, int storms)
    {
        if (!ProbeOf(before).Programs.TryGetValue(RssStatProgram, out var b) || !ProbeOf(after).Programs.TryGetValue(RssStatProgram, out var a))
        {
            return null;
        }

        return new ProbeCostResult(RssStatProgram, storms, a.RunCount - b.RunCount, a.RunTimeNs - b.RunTimeNs);
    }

    private static ProbeCounters ProbeOf(AgentStatusSnapshot s) =>
        s.Probe ?? throw new BenchmarkException($"the agent's status has no probe counters (source {s.Source}): was it started with --source bpf?");

    /// <summary>Runs <paramref name="count"/> storms, adding each one's milliseconds to <paramref name="times"/>; returns the pages touched.</summary>
    private static long Storms(BenchContext ctx, int count, string label, List<double>? times, CancellationToken ct)
    {
        long pages = 0;
        for (var i = 1; i <= count; i++)
        {
            ct.ThrowIfCancellationRequested();
            var run = PageFaultStorm.Run(ctx.Options.StormBytes);
            pages += run.Pages;
            times?.Add(run.Elapsed.TotalMilliseconds);
            ctx.Say($"storm {i}/{count} {label}: {run.Elapsed.TotalMilliseconds.ToString("F1", CultureInfo.InvariantCulture)} ms");
        }

        return pages;
    }
}
