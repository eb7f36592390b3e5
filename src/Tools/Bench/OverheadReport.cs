using System.Globalization;
using System.Text;

namespace MemGrowth.Tools.Bench;

/// <summary>The Markdown report: every table with the machine and the exact command, so it can be rerun.</summary>
internal static class OverheadReport
{
    private static readonly CultureInfo C = CultureInfo.InvariantCulture;

    public static string Format(OverheadResults r)
    {
        var w = new StringBuilder();
        var m = r.Machine;
        Line(w, "# memgrowth overhead benchmark");
        Line(w);
        Line(w, $"- Command: `{r.Command}`");
        Line(w, $"- Machine: kernel {m.Kernel}, {m.CpuModel}, {m.Cores} cores, {Gib(m.MemoryBytes)} GiB RAM");
        Line(w, $"- Started: {r.Started.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", C)} UTC");
        Line(w);
        Storm(w, r);
        ProbeCost(w, r.ProbeCost);
        Hits(w, r.Hits);
        Growers(w, r.GrowersCost);
        Sources(w, r.BpfCost, r.ProcfsCost);
        return w.ToString();
    }

    private static void Storm(StringBuilder w, OverheadResults r)
    {
        var s = r.Storm;
        Line(w, "## 1. Page-fault storm");
        Line(w);
        Line(w, $"{Gib(s.Bytes)} GiB anonymous mmap, one byte written per page ({s.Pages} page faults), munmap; timed in the bench process. " +
            $"kernel.bpf_stats_enabled=0. Without the agent: {r.Options.Repeats} runs before it started and {r.Options.Repeats} after it stopped; " +
            $"with the agent: {r.Options.Repeats} runs under `memgrowth run --source bpf`.");
        Line(w);
        Line(w, "| | runs | median ms | min ms | max ms |");
        Line(w, "|---|---:|---:|---:|---:|");
        Line(w, $"| without agent | {s.WithoutAgentMs.Count} | {F(s.MedianWithoutMs, 1)} | {F(s.WithoutAgentMs.Min(), 1)} | {F(s.WithoutAgentMs.Max(), 1)} |");
        Line(w, $"| with agent (bpf) | {s.WithAgentMs.Count} | {F(s.MedianWithMs, 1)} | {F(s.WithAgentMs.Min(), 1)} | {F(s.WithAgentMs.Max(), 1)} |");
        Line(w);
        Line(w, $"**Ratio with/without agent: {F(s.Ratio, 3)}×** ({Signed((s.Ratio - 1) * 100)} %)");
        Line(w);
    }

    private static void ProbeCost(StringBuilder w, ProbeCostResult? p)
    {
        Line(w, "## 2. Probe cost per hit");
        Line(w);
        if (p is null)
        {
            Line(w, "The status file reported no on_rss_stat program: not measured.");
            Line(w);
            return;
        }

        Line(w, $"kernel.bpf_stats_enabled=1 during {p.Storms} more storms with the agent; the program's run_time_ns and run_count from the status file before and after.");
        Line(w);
        Line(w, "| program | runs | run time ms | ns per hit |");
        Line(w, "|---|---:|---:|---:|");
        Line(w, $"| {p.Program} | {p.RunCount} | {F(p.RunTimeNs / 1e6, 1)} | {F(p.NsPerHit, 1)} |");
        Line(w);
    }

    private static void Hits(StringBuilder w, HitsResult h)
    {
        Line(w, "## 3. Tracepoint hits vs events delivered");
        Line(w);
        Line(w, "Counters from the status file before and after the storms with the agent (part 1); hits count every rss_stat on the host, not only the storm's.");
        Line(w);
        Line(w, "| pages touched | rss_stat hits | hits per page | samples delivered | samples per hit | ring drops | map full |");
        Line(w, "|---:|---:|---:|---:|---:|---:|---:|");
        var perPage = h.PagesTouched == 0 ? double.NaN : (double)h.Hits / h.PagesTouched;
        Line(w, $"| {h.PagesTouched} | {h.Hits} | {F(perPage, 3)} | {h.Samples} | {F(h.SamplesPerHit, 6)} | {h.RingDrops} | {h.MapFull} |");
        Line(w);
    }

    private static void Growers(StringBuilder w, AgentCostResult g)
    {
        Line(w, $"## 4. Agent cost with {g.Growers} growers");
        Line(w);
        Line(w, $"{g.Growers} × `memgrowth grow --pattern linear --rate 1` under `memgrowth run --source {g.Source}` (leak history and API on, as by default); CPU is utime+stime of the agent over {F(g.Seconds, 1)} s from 3 s after it was ready, so it includes the history's start-up (its code compiled as the first leaks are journaled); RSS is VmRSS at the end.");
        Line(w);
        Line(w, "| source | growers alive | tracked processes | CPU % of one core | RSS MiB | probe samples/s | events/s received |");
        Line(w, "|---|---:|---:|---:|---:|---:|---:|");
        Line(w, $"| {g.Source} | {g.GrowersAlive}/{g.Growers} | {g.TrackedProcesses} | {F(g.CpuPercent, 2)} | {Mib(g.RssBytes)} | {Opt(g.ProbeSamplesPerSecond)} | {F(g.EventsPerSecond, 1)} |");
        Line(w);
    }

    private static void Sources(StringBuilder w, AgentCostResult bpf, AgentCostResult procfs)
    {
        Line(w, "## 5. BPF vs procfs at the same resolution (1 s)");
        Line(w);
        Line(w, $"{bpf.Idle} idle processes (`sleep`) and {bpf.Growers} growers; each agent (leak history and API on, as by default) measured over {F(bpf.Seconds, 1)} s after 30 s of warm-up, in steady state. " +
            "The probe's in-kernel time is charged to the processes whose memory moves, not to the agent: parts 1 and 2 measure it.");
        Line(w);
        Line(w, "| source | growers alive | tracked processes | CPU % of one core | RSS MiB | events/s received |");
        Line(w, "|---|---:|---:|---:|---:|---:|");
        foreach (var a in new[] { bpf, procfs })
        {
            Line(w, $"| {a.Source} | {a.GrowersAlive}/{a.Growers} | {a.TrackedProcesses} | {F(a.CpuPercent, 2)} | {Mib(a.RssBytes)} | {F(a.EventsPerSecond, 1)} |");
        }

        Line(w);
        var ratio = procfs.CpuPercent == 0 ? double.NaN : bpf.CpuPercent / procfs.CpuPercent;
        Line(w, $"**CPU ratio bpf/procfs: {F(ratio, 3)}**");
    }

    private static string F(double value, int decimals) =>
        double.IsFinite(value) ? value.ToString("F" + decimals.ToString(C), C) : "n/a";

    private static string Signed(double value) => (value >= 0 ? "+" : "") + F(value, 1);

    private static string Opt(double? value) => value is { } v ? F(v, 1) : "n/a";

    private static string Gib(long bytes) => F(bytes / (double)(1L << 30), 1);

    private static string Mib(long bytes) => F(bytes / (double)(1L << 20), 1);

    private static void Line(StringBuilder w, string text = "") => w.Append(text).Append('\n');
}
