using System.Diagnostics;
using MemGrowth.NodeAgent.Sources;
using MemGrowth.Validation.Corpus;
using MemGrowth.Validation.Run;

namespace MemGrowth.Validation.Runner;

/// <summary>
/// Starts the corpus's processes: groups of launches (one scenario draw each) run together, up to a number
/// of groups at once; large groups (many processes) run alone at the end so they are not starved. Grower
/// output goes to files and is read once the process has exited.
/// </summary>
internal sealed class CorpusRunner(string executable, string workDir, ChildProcesses children, TextWriter log)
{
    /// <summary>Groups with at least this many processes run alone.</summary>
    private const int LargeGroup = 5;

    private const string ChildOfShellScript = "\"$0\" \"$@\"; exit $?";
    private const string JoinCgroupScript = "echo $$ > \"$0/cgroup.procs\" && exec \"$@\"";
    private static readonly string[] ShortLivedCommand = ["dd", "if=/dev/zero", "of=/dev/null", "bs=16M", "count=1"];

    private readonly List<LaunchedProcess> _launched = [];
    private int _files;

    public async Task<IReadOnlyList<LaunchedProcess>> RunAsync(IReadOnlyList<IReadOnlyList<Launch>> groups, int concurrency, CancellationToken ct)
    {
        using var slots = new SemaphoreSlim(concurrency);
        var done = 0;
        async Task RunGroup(IReadOnlyList<Launch> group)
        {
            await slots.WaitAsync(ct).ConfigureAwait(false);
            try
            {
                await Task.WhenAll(group.Select(l => RunLaunchAsync(l, ct))).ConfigureAwait(false);
                var n = Interlocked.Increment(ref done);
                lock (log)
                {
                    log.WriteLine($"[validate] {n}/{groups.Count} done: {group[0].Scenario} ({group[0].Variant}{(group.Count > 1 ? $", {group.Count} processes" : "")})");
                }
            }
            finally
            {
                slots.Release();
            }
        }

        await Task.WhenAll(groups.Where(g => g.Count < LargeGroup).Select(RunGroup)).ConfigureAwait(false);
        foreach (var large in groups.Where(g => g.Count >= LargeGroup))
        {
            await RunGroup(large).ConfigureAwait(false);
        }

        lock (_launched)
        {
            return [.. _launched];
        }
    }

    private async Task RunLaunchAsync(Launch launch, CancellationToken ct)
    {
        await Task.Delay(TimeSpan.FromSeconds(launch.StartDelaySeconds), ct).ConfigureAwait(false);
        if (launch.Grower is null)
        {
            await RunShortLivedAsync(launch, ct).ConfigureAwait(false);
            return;
        }

        var output = Path.Combine(workDir, $"grower-{Interlocked.Increment(ref _files)}.out");
        var errors = output[..^4] + ".err";
        var arguments = launch.Grower.Arguments();
        using var cgroup = launch.Placement == Placement.LimitedCgroup ? LimitedCgroup.Create(launch.LimitBytes ?? throw new InvalidOperationException("a limited launch needs a limit")) : null;
        var launched = MonotonicClock.NowSeconds;
        var process = launch.Placement switch
        {
            Placement.ChildOfShell => children.Start("/bin/sh", ["-c", ChildOfShellScript, executable, .. arguments], output, errors),
            Placement.LimitedCgroup => children.Start("/bin/sh", ["-c", JoinCgroupScript, cgroup!.Path, executable, .. arguments], output, errors),
            _ => children.Start(executable, arguments, output, errors),
        };
        var shellPid = process.Id;
        await process.WaitForExitAsync(ct).ConfigureAwait(false);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"the {launch.Scenario} grower ({string.Join(' ', arguments)}) exited with {process.ExitCode}: {await File.ReadAllTextAsync(errors, ct).ConfigureAwait(false)}");
        }

        var printed = GrowerOutput.Parse(await File.ReadAllLinesAsync(output, ct).ConfigureAwait(false));
        var pid = printed.Pid ?? throw new InvalidOperationException($"the {launch.Scenario} grower printed no 'pid=... start' line to {output}");
        lock (_launched)
        {
            _launched.Add(new LaunchedProcess(launch, pid, launched, printed));
            if (launch.Placement == Placement.ChildOfShell)
            {
                _launched.Add(new LaunchedProcess(launch, shellPid, launched, null, ShellParent: true));
            }
        }
    }

    /// <summary>Ten a second, each allocating and touching 16 MiB and exiting within milliseconds.</summary>
    private async Task RunShortLivedAsync(Launch launch, CancellationToken ct)
    {
        var processes = new List<(Process Process, double Launched)>();
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < launch.ShortLived; i++)
        {
            var wait = TimeSpan.FromSeconds(i / 10.0) - clock.Elapsed;
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait, ct).ConfigureAwait(false);
            }

            var launched = MonotonicClock.NowSeconds;
            processes.Add((children.Start(ShortLivedCommand[0], ShortLivedCommand[1..]), launched));
        }

        foreach (var (process, launched) in processes)
        {
            await process.WaitForExitAsync(ct).ConfigureAwait(false);
            lock (_launched)
            {
                _launched.Add(new LaunchedProcess(launch, process.Id, launched, null));
            }
        }
    }
}
