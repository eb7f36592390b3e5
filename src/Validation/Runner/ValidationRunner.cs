using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using MemGrowth.NodeAgent.Agent;
using MemGrowth.NodeAgent.Probe;
using MemGrowth.NodeAgent.Sources;
using MemGrowth.Validation.Baseline;
using MemGrowth.Validation.Corpus;
using MemGrowth.Validation.Replay;
using MemGrowth.Validation.Report;
using MemGrowth.Validation.Run;
using MemGrowth.Validation.Scoring;

namespace MemGrowth.Validation.Runner;

/// <summary>
/// `memgrowth validate`: the test methodology, automated. Starts the real agent (eBPF) with --jsonl and
/// --trace, runs the labelled corpus against it, then scores every process (live detections), replays the
/// traces for the threshold sweep and the baseline rule, and writes report.md, the plots and traces.jsonl.gz.
/// </summary>
public static class ValidationRunner
{
    /// <param name="args">The command line's options as given, quoted in the report so that a reader can run it again.</param>
    /// <returns>0 when every target holds, 1 when one is missed or the run fails, 3 when the agent cannot start.</returns>
    public static async Task<int> RunAsync(ValidateOptions options, IReadOnlyList<string> args, TextWriter stdout, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(options);
        try
        {
            return options.Replay is not null
                ? await ReplayAsync(options, args, stdout, ct).ConfigureAwait(false)
                : await RunLiveAsync(options, args, stdout, ct).ConfigureAwait(false);
        }
        catch (BenchmarkException e)
        {
            // The agent would not start or died: its own message (no privileges, no BTF...) is in the text.
            await Console.Error.WriteLineAsync($"memgrowth validate: {e.Message}").ConfigureAwait(false);
            return 3;
        }
        catch (Exception e) when (e is InvalidOperationException or IOException or InvalidDataException or FormatException)
        {
            await Console.Error.WriteLineAsync($"memgrowth validate: {e.Message}").ConfigureAwait(false);
            return 1;
        }
    }

    private static async Task<int> RunLiveAsync(ValidateOptions options, IReadOnlyList<string> args, TextWriter stdout, CancellationToken ct)
    {
        var executable = Environment.ProcessPath ?? throw new InvalidOperationException("cannot tell where the memgrowth executable is");
        var output = Path.GetFullPath(options.OutputDirectory);
        var work = Path.Combine(output, "raw");
        Directory.CreateDirectory(work);
        foreach (var stale in Directory.GetFiles(work))
        {
            File.Delete(stale);
        }

        var groups = ScenarioCorpus.Draw(options.Quick, options.Variants, options.Seed);
        var command = string.Join(' ', ["memgrowth", "validate", .. args]);
        await stdout.WriteLineAsync($"[validate] {groups.Count} scenario runs ({groups.Sum(g => g.Count)} launches), seed {options.Seed}, {options.Concurrency} at once; output in {output}").ConfigureAwait(false);

        var clock = Stopwatch.StartNew();
        var started = DateTimeOffset.UtcNow;
        var wallMinusMonotonic = (DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0) - MonotonicClock.NowSeconds;
        var tracePath = Path.Combine(work, "trace.csv");
        using var children = new ChildProcesses();
        IReadOnlyList<LaunchedProcess> launched;
        PerformanceImpact performance;
        string jsonl;
        // Detection quality does not depend on the leak history, and its one-off start-up (its code compiled as
        // the first leaks are journaled, while the corpus runs) would only add noise to the samples' timing:
        // the agent runs without it here. `bench overhead` measures it.
        using (var agent = await AgentUnderTest.StartAsync(executable, "bpf", work, children, ct, ["--trace", tracePath, "--data-dir", "", "--api", ""]).ConfigureAwait(false))
        {
            jsonl = agent.JsonlPath;
            var before = ProcStat.Read(agent.Pid);
            var agentClock = Stopwatch.StartNew();
            using var peak = new PeakRss(agent.Pid);
            launched = await new CorpusRunner(executable, work, children, stdout).RunAsync(groups, options.Concurrency, ct).ConfigureAwait(false);

            // Let the agent handle the last exits before it stops.
            await Task.Delay(TimeSpan.FromSeconds(3), ct).ConfigureAwait(false);
            var after = ProcStat.Read(agent.Pid);
            var elapsed = agentClock.Elapsed;
            agent.Stop();
            var traceLines = File.ReadLines(tracePath).Count() - 1;
            performance = new PerformanceImpact(
                ProcStat.CpuPercent(before, after, elapsed), peak.PeakBytes / 1048576.0, traceLines / elapsed.TotalSeconds, 0);
        }

        var traces = TraceCsv.Parse(File.ReadLines(tracePath));
        performance = performance with { TrackedProcesses = traces.Count };
        var reports = DetectionLog.Parse(File.ReadLines(jsonl), wallMinusMonotonic);
        var recorded = launched
            .OrderBy(p => p.Launch.Scenario, StringComparer.Ordinal).ThenBy(p => p.Launched)
            .Select(p => SubjectAssembler.Assemble(p, traces, reports))
            .Select(a => new RecordedProcess(a.Run, a.Trace))
            .ToList();
        RecordedCorpus.Save(Path.Combine(output, "traces.jsonl.gz"), recorded);

        return await ReportAsync(recorded, options, command, started, clock, performance, output, stdout, ct).ConfigureAwait(false);
    }

    /// <summary>Scores a recorded run through this build's classifier, offline: the tuning loop, in seconds.</summary>
    private static async Task<int> ReplayAsync(ValidateOptions options, IReadOnlyList<string> args, TextWriter stdout, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        var (settings, grace) = AgentSettings();
        var recorded = RecordedCorpus.Load(options.Replay!);
        if (options.Explain is { } pid)
        {
            Explain(recorded.FirstOrDefault(p => p.Run.Pid == pid) ?? throw new ArgumentException($"pid {pid} is not in {options.Replay}"), settings, grace, stdout);
            return 0;
        }

        // The replay knows no cgroups: it keeps the limit the live agent reported.
        var replayed = recorded.Select(p => p with
        {
            Run = p.Run with
            {
                Reports = p.Trace is null ? [] : [.. TraceReplay.Run(p.Trace, settings, grace)
                    .Select(r => r with { MemoryLimitBytes = p.Run.Reports.FirstOrDefault(l => l.MemoryLimitBytes is not null)?.MemoryLimitBytes })],
            },
        }).ToList();
        var output = Path.GetFullPath(options.OutputDirectory);
        Directory.CreateDirectory(output);
        var performance = new PerformanceImpact(double.NaN, double.NaN, double.NaN, recorded.Count);
        return await ReportAsync(replayed, options, string.Join(' ', ["memgrowth", "validate", .. args]), DateTimeOffset.UtcNow, clock, performance, output, stdout, ct).ConfigureAwait(false);
    }

    private static void Explain(RecordedProcess process, Shared.Growth.GrowthSettings settings, double grace, TextWriter stdout)
    {
        var run = process.Run;
        var zero = run.LeakStart ?? run.Launched;
        stdout.WriteLine($"{run.Scenario} pid {run.Pid} ({run.Variant}), {run.Expect}; times from the leak start");
        var growth = new Shared.Growth.ProcessGrowth(settings);
        foreach (var sample in process.Trace?.Samples ?? [])
        {
            if (sample.Age < grace)
            {
                continue;
            }

            var change = growth.Observe(sample.ToRssSample());
            var a = growth.Current;
            stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{sample.Time - zero,7:0.00}s {sample.FootprintBytes / 1048576.0,9:0.00} MiB  {a.Pattern,-12} {a.BytesPerSecond / 1048576.0,8:0.000} MiB/s conf {a.Confidence:0.000} since {a.GrowthStartedAt - zero:0.0}s {(change == Shared.Growth.DetectionChange.None ? "" : change.ToString())}"));
        }

        stdout.WriteLine("what the agent would report (with its ticks), replayed:");
        foreach (var r in process.Trace is null ? [] : TraceReplay.Run(process.Trace, settings, grace))
        {
            stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{r.Time - zero,7:0.00}s {r.Kind,-15} {r.Pattern,-12} {r.BytesPerSecond / 1048576.0,8:0.000} MiB/s conf {r.Confidence:0.000}"));
        }
    }

    private static (Shared.Growth.GrowthSettings Settings, double Grace) AgentSettings()
    {
        var agentOptions = AgentOptions.Load(Path.Combine(AppContext.BaseDirectory, "config", "memgrowth.hocon"));
        agentOptions.Validate();
        return (agentOptions.ToGrowthSettings(), agentOptions.StartupGrace.TotalSeconds);
    }

    private static async Task<int> ReportAsync(
        IReadOnlyList<RecordedProcess> recorded, ValidateOptions options, string command, DateTimeOffset started, Stopwatch clock,
        PerformanceImpact performance, string output, TextWriter stdout, CancellationToken ct)
    {
        var (settings, grace) = AgentSettings();
        var evaluation = Evaluation.Run(recorded, settings, grace, options.Seed, options.Quick ? SmokeBounds.Quick : null);
        var report = new ValidationReport(
            started, command, options.Seed, options.Quick, KernelRelease(), RuntimeInformation.OSArchitecture.ToString().ToLowerInvariant(),
            MachineDescription(), clock.Elapsed, evaluation.Scores, evaluation.Ours, evaluation.Baseline, evaluation.Sweep,
            evaluation.Targets, performance, evaluation.Issues, [evaluation.Eager],
            new Dictionary<string, string>
            {
                [LinearTrendRule.Default.Name] = LinearTrendRule.Default.RuleText,
                [LinearTrendRule.Eager.Name] = LinearTrendRule.Eager.RuleText,
            });
        var plots = Plots.WriteAll(report, output);
        await File.WriteAllTextAsync(Path.Combine(output, "report.md"), MarkdownReport.Write(report, plots), ct).ConfigureAwait(false);

        foreach (var target in evaluation.Targets)
        {
            await stdout.WriteLineAsync($"target {(target.Met ? "met   " : "MISSED")} {target.Name}: {target.Measured} (target {target.Target}; baseline {target.Baseline})").ConfigureAwait(false);
        }

        foreach (var issue in evaluation.Issues)
        {
            await stdout.WriteLineAsync($"issue: {issue}").ConfigureAwait(false);
        }

        var met = evaluation.Targets.Count(t => t.Met);
        await stdout.WriteLineAsync($"validate: {met} targets met, {evaluation.Targets.Count - met} missed; report {Path.Combine(output, "report.md")} ({clock.Elapsed.TotalMinutes:0.0} min)").ConfigureAwait(false);
        return met == evaluation.Targets.Count ? 0 : 1;
    }

    private static string KernelRelease() => File.ReadAllText("/proc/sys/kernel/osrelease").Trim();

    private static string MachineDescription()
    {
        var model = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "unknown CPU";
        var memory = File.ReadLines("/proc/meminfo").First().Split(' ', StringSplitOptions.RemoveEmptyEntries)[1];
        return string.Create(CultureInfo.InvariantCulture, $"{model}, {Environment.ProcessorCount} vCPU, {long.Parse(memory, CultureInfo.InvariantCulture) / 1048576.0:0} GiB");
    }

    /// <summary>Samples a process's VmRSS once a second and keeps the highest.</summary>
    private sealed class PeakRss : IDisposable
    {
        private readonly Timer _timer;
        private long _peak;

        public PeakRss(int pid) => _timer = new Timer(_ => Interlocked.Exchange(ref _peak, Math.Max(Interlocked.Read(ref _peak), ProcStat.ReadRssBytes(pid) ?? 0)), null, TimeSpan.Zero, TimeSpan.FromSeconds(1));

        public long PeakBytes => Interlocked.Read(ref _peak);

        public void Dispose() => _timer.Dispose();
    }
}
