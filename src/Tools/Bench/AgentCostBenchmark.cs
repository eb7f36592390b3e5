using System.Diagnostics;
using System.Globalization;
using MemGrowth.Validation.Run;

namespace MemGrowth.Tools.Bench;

/// <summary>
/// Parts 4 and 5: the agent's steady-state CPU and memory with many growing processes, and the eBPF
/// source against /proc polling at the same 1 s resolution on a host full of idle processes.
/// </summary>
internal static class AgentCostBenchmark
{
    private const int SourceComparisonGrowers = 10;
    private const double GrowerRateMb = 1;
    private const long GrowerBaseRssBytes = 48L << 20; // a .NET grower before it has grown

    // Start-up work (JIT tiering, the first liveness sweep) is not the steady-state cost being measured.
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(3);

    // Part 5 compares the two sources in steady state: each agent first journals its growers' leaks into its
    // history (the SQL journal's and the read model's code compiled on first use, a one-off second or two of
    // CPU that would otherwise dominate a 30 s window). Part 4's 100 growers leave no memory for that wait:
    // its window includes the start-up.
    private static readonly TimeSpan SourceWarmUp = TimeSpan.FromSeconds(30);

    public static async Task<AgentCostResult> WithGrowersAsync(BenchContext ctx, CancellationToken ct)
    {
        var o = ctx.Options;
        var startTimeout = StartTimeout(o.Growers);
        // Growers are killed after the measurement; their --duration only bounds the damage (and the
        // memory) if the benchmark stalls, so it is as short as a run that succeeds can be.
        var lifetime = startTimeout + Settle + TimeSpan.FromSeconds(o.MeasureSeconds + 15);
        RequireMemory(o.Growers, lifetime, "--growers");

        using var children = new ChildProcesses();
        using var agent = await AgentUnderTest.StartAsync(ctx.AgentPath, "bpf", ctx.WorkDir, children, ct).ConfigureAwait(false);
        ctx.Say($"agent {agent.Pid} ready (--source bpf)");
        var baseline = await agent.StatusAfterAsync(DateTimeOffset.UtcNow, ct).ConfigureAwait(false);
        var clock = Stopwatch.StartNew();
        var growers = await StartGrowersAsync(ctx, children, o.Growers, lifetime, "growers", startTimeout, ct).ConfigureAwait(false);
        // The agent tracks every process on the host: the growers are the ones on top of what it already had.
        var want = baseline.TrackedProcesses + o.Growers;
        var left = startTimeout - clock.Elapsed;
        await agent.WaitForStatusAsync(s => s.TrackedProcesses >= want, $"tracked_processes ≥ {want}", left > TimeSpan.Zero ? left : TimeSpan.FromSeconds(5), ct)
            .ConfigureAwait(false);
        return await MeasureAsync(ctx, agent, growers, idle: 0, ct).ConfigureAwait(false);
    }

    public static async Task<(AgentCostResult Bpf, AgentCostResult Procfs)> BpfVersusProcfsAsync(BenchContext ctx, CancellationToken ct)
    {
        var o = ctx.Options;
        var count = Math.Min(SourceComparisonGrowers, o.Growers);
        var startTimeout = StartTimeout(count + (o.Idle / 20));
        // Both agents are measured against the same children, so they must outlive two whole runs.
        var lifetime = 2 * (TimeSpan.FromSeconds(o.MeasureSeconds + 120) + SourceWarmUp + startTimeout);
        RequireMemory(count, lifetime, "--growers");

        using var children = new ChildProcesses();
        ctx.Say($"starting {o.Idle} idle processes");
        var idle = Enumerable.Range(0, o.Idle).Select(_ => children.Start("/bin/sleep", ["3600"])).ToList();
        await WaitForAsync(() => idle.All(p => Comm(p) == "sleep"), $"{o.Idle} idle sleep processes running", startTimeout, ct).ConfigureAwait(false);
        var growers = await StartGrowersAsync(ctx, children, count, lifetime, "sources", startTimeout, ct).ConfigureAwait(false);

        var results = new List<AgentCostResult>();
        foreach (var source in new[] { "bpf", "procfs" })
        {
            using var agent = await AgentUnderTest.StartAsync(ctx.AgentPath, source, ctx.WorkDir, children, ct).ConfigureAwait(false);
            ctx.Say($"agent {agent.Pid} ready (--source {source}); warming up for {SourceWarmUp.TotalSeconds:0} s");
            await Task.Delay(SourceWarmUp, ct).ConfigureAwait(false);
            results.Add(await MeasureAsync(ctx, agent, growers, o.Idle, ct).ConfigureAwait(false));
            ctx.Say($"stopping agent {agent.Pid}");
        }

        return (results[0], results[1]);
    }

    private static async Task<AgentCostResult> MeasureAsync(
        BenchContext ctx, AgentUnderTest agent, IReadOnlyList<Process> growers, int idle, CancellationToken ct)
    {
        await agent.StatusAfterAsync(DateTimeOffset.UtcNow + Settle, ct).ConfigureAwait(false);
        var seconds = ctx.Options.MeasureSeconds;
        ctx.Say($"measuring agent {agent.Pid} (--source {agent.Source}) for {seconds} s");
        var statusBefore = await agent.StatusAfterAsync(DateTimeOffset.UtcNow, ct).ConfigureAwait(false);
        var cpuBefore = ReadCpu(agent);
        var clock = Stopwatch.StartNew();
        await Task.Delay(TimeSpan.FromSeconds(seconds), ct).ConfigureAwait(false);
        var cpuAfter = ReadCpu(agent);
        var elapsed = clock.Elapsed;
        var rss = ProcStat.ReadRssBytes(agent.Pid) ?? 0;
        var statusAfter = await agent.StatusAfterAsync(DateTimeOffset.UtcNow, ct).ConfigureAwait(false);

        var statusSeconds = (statusAfter.Time - statusBefore.Time).TotalSeconds;
        double? samplesPerSecond = statusAfter.Probe is { } a && statusBefore.Probe is { } b
            ? (a.Samples - b.Samples) / statusSeconds
            : null;
        var result = new AgentCostResult(
            agent.Source, growers.Count, growers.Count(p => !p.HasExited), idle, statusAfter.TrackedProcesses, elapsed.TotalSeconds,
            ProcStat.CpuPercent(cpuBefore, cpuAfter, elapsed), rss,
            (statusAfter.EventsReceived - statusBefore.EventsReceived) / statusSeconds, samplesPerSecond);
        ctx.Say($"agent {agent.Pid} (--source {agent.Source}): {result.CpuPercent.ToString("F2", CultureInfo.InvariantCulture)} % of a core, " +
            $"{rss >> 20} MiB RSS, {result.TrackedProcesses} tracked");
        return result;
    }

    /// <summary>Starts the growers and returns once each has printed its first line, i.e. is in its growth loop.</summary>
    private static async Task<IReadOnlyList<Process>> StartGrowersAsync(
        BenchContext ctx, ChildProcesses children, int count, TimeSpan lifetime, string label, TimeSpan timeout, CancellationToken ct)
    {
        ctx.Say($"starting {count} growers");
        var started = new List<(Process Process, string Out, string Err)>();
        for (var i = 0; i < count; i++)
        {
            var stem = Path.Combine(ctx.WorkDir, $"{label}-grower-{i}");
            var process = children.Start(ctx.AgentPath, GrowerArguments(lifetime), stem + ".out", stem + ".err");
            started.Add((process, stem + ".out", stem + ".err"));
        }

        await WaitForAsync(() =>
        {
            foreach (var (process, _, err) in started.Where(g => g.Process.HasExited))
            {
                throw new BenchmarkException($"grower {process.Id} exited with code {process.ExitCode}: {ReadOrEmpty(err)}");
            }

            return started.All(g => new FileInfo(g.Out) is { Exists: true, Length: > 0 });
        }, $"{count} growers running", timeout, ct).ConfigureAwait(false);
        ctx.Say($"{count} growers running");
        return [.. started.Select(g => g.Process)];
    }

    private static ProcStatSample ReadCpu(AgentUnderTest agent)
    {
        try
        {
            return ProcStat.Read(agent.Pid);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new BenchmarkException($"the agent {agent.Pid} (--source {agent.Source}) went away while it was measured: {e.Message}", e);
        }
    }

    public static string[] GrowerArguments(TimeSpan lifetime) =>
        ["grow", "--pattern", "linear", "--rate", GrowerRateMb.ToString(CultureInfo.InvariantCulture),
         "--duration", ((int)Math.Ceiling(lifetime.TotalSeconds)).ToString(CultureInfo.InvariantCulture)];

    /// <summary>Refuses to start growers that would push the host into reclaim (or the OOM killer) before they are killed.</summary>
    private static void RequireMemory(int growers, TimeSpan growth, string option)
    {
        var need = growers * (GrowerBaseRssBytes + (long)(GrowerRateMb * (1 << 20) * growth.TotalSeconds));
        var available = MachineInfo.MemAvailableBytes() ?? long.MaxValue;
        if (need > available * 0.8)
        {
            throw new ArgumentException(
                $"{option} {growers}: they could use ~{need >> 20} MiB over the run, and only {available >> 20} MiB is available; lower {option} or --measure-seconds");
        }
    }

    // Process start-up on a small host is CPU-bound: allow half a second per child on top of a fixed margin.
    private static TimeSpan StartTimeout(int children) => TimeSpan.FromSeconds(30 + (children / 2.0));

    private static async Task WaitForAsync(Func<bool> done, string what, TimeSpan timeout, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        while (!done())
        {
            if (clock.Elapsed > timeout)
            {
                throw new BenchmarkException($"waited {timeout.TotalSeconds:0}s for {what}");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(200), ct).ConfigureAwait(false);
        }
    }

    private static string? Comm(Process process)
    {
        try
        {
            return File.ReadAllText($"/proc/{process.Id}/comm").Trim();
        }
        catch (IOException)
        {
            return null;
        }
    }

    private static string ReadOrEmpty(string path)
    {
        try
        {
            return File.ReadAllText(path).Trim();
        }
        catch (IOException)
        {
            return "";
        }
    }
}
