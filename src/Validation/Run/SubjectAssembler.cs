using MemGrowth.Validation.Corpus;
using MemGrowth.Validation.Replay;
using MemGrowth.Validation.Scoring;

namespace MemGrowth.Validation.Run;

/// <summary>Joins what the runner started with what the agent traced and reported into labelled <see cref="SubjectRun"/>s.</summary>
public static class SubjectAssembler
{
    /// <summary>Reports this long after a process's exit still belong to it (the exit report travels too).</summary>
    private const double AfterExitSeconds = 5;

    public static (SubjectRun Run, ProcessTrace? Trace) Assemble(
        LaunchedProcess process,
        IReadOnlyDictionary<(int Pid, ulong StartTicks), ProcessTrace> traces,
        IReadOnlyDictionary<int, List<AgentReport>> reports)
    {
        ArgumentNullException.ThrowIfNull(process);
        ArgumentNullException.ThrowIfNull(traces);
        ArgumentNullException.ThrowIfNull(reports);
        var launch = process.Launch;

        // The process the pid named after the launch: a pid reused later in the run is another process.
        var trace = traces.Values
            .Where(t => t.Pid == process.Pid && t.Start >= process.Launched - 1)
            .OrderBy(t => t.Start)
            .FirstOrDefault();
        var exited = trace?.Exit;
        var own = reports.TryGetValue(process.Pid, out var list)
            ? list.Where(r => r.Time >= process.Launched - 1 && r.Time <= (exited ?? double.PositiveInfinity) + AfterExitSeconds).ToList()
            : [];

        var expect = process.ShellParent ? Expectation.Good : launch.Expect;
        double? leakStart = null, growthEnd = null;
        if (expect != Expectation.Good && process.Output?.Start is { } start)
        {
            leakStart = start + launch.LeakAfterSeconds;
            growthEnd = launch.GrowthSeconds is { } growth ? leakStart + growth : null;
        }

        var run = new SubjectRun(
            launch.Scenario,
            process.ShellParent ? "the shell around " + launch.Variant : launch.Variant,
            expect,
            expect == Expectation.Leak ? launch.Pattern : null,
            process.Pid,
            process.Launched,
            leakStart,
            growthEnd,
            exited,
            expect == Expectation.Ambiguous ? launch.PeriodSeconds : launch.Grower?.PeriodSeconds,
            process.Output?.Truth ?? [],
            own,
            trace?.FirstReceived,
            trace?.ExitReceived,
            process.ShellParent ? null : launch.LimitBytes,
            trace?.Start);
        return (run, trace);
    }
}
