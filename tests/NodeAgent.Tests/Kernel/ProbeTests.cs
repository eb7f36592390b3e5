using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using MemGrowth.NodeAgent.Probe;
using MemGrowth.NodeAgent.Sources;
using Xunit;

namespace MemGrowth.NodeAgent.Tests.Kernel;

/// <summary>The real probe on the real kernel, with real child processes.</summary>
[Collection(KernelCollection.Name)]
public sealed partial class ProbeTests(ProbeFixture probe)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    [Fact]
    public void Should_track_a_new_process_within_one_second()
    {
        var before = MonotonicClock.NowSeconds;
        using var child = Process.Start("sleep", "3");

        var seen = probe.WaitFor(e => e.Key.Pid == child.Id && e.Kind == SourceEventKind.Seen, Patience);

        Assert.NotNull(seen);
        Assert.InRange(seen.Value.Sample.Time - before, 0, 1.0);
        Assert.Equal(StartTicks(child.Id), seen.Value.Key.StartTicks);
        child.Kill();
    }

    [Fact]
    public void Should_send_exit_and_forget_a_process_that_lives_a_millisecond()
    {
        using var child = Process.Start("true");
        child.WaitForExit();
        var exited = MonotonicClock.NowSeconds;

        var exit = probe.WaitFor(e => e.Key.Pid == child.Id && e.Kind == SourceEventKind.Exit, Patience);

        Assert.NotNull(exit);
        Assert.True(exit.Value.Sample.Time - exited < 1.0, $"exit reported {exit.Value.Sample.Time - exited:F3}s after the process ended");
        Assert.Contains(probe.EventsFor(child.Id), e => e.Kind == SourceEventKind.Seen);
        Assert.DoesNotContain(probe.Probe.ReadStates(), s => s.Tgid == child.Id);
    }

    [Fact]
    public void Should_send_at_most_one_sample_per_process_per_interval_in_a_page_fault_storm()
    {
        using var child = NativeChild.Start(NativeChild.Path("toucher"), "3");
        child.WaitForExit();
        probe.WaitFor(e => e.Key.Pid == child.Id && e.Kind == SourceEventKind.Exit, Patience);

        var samples = probe.EventsFor(child.Id).Where(e => e.Kind != SourceEventKind.Exit).Select(e => e.Sample.Time).ToList();
        var hits = probe.Probe.ReadStats().Hits;

        Assert.InRange(samples.Count, 2, 5); // ~3 s of storm at one sample per second, plus the first
        var gaps = samples.Zip(samples.Skip(1), (a, b) => b - a).ToList();
        Assert.All(gaps, gap => Assert.True(gap >= 0.95, $"two samples {gap:F3}s apart"));
        Assert.True(hits > 100_000, $"only {hits} tracepoint hits counted in a 3 s storm");
    }

    [Fact]
    public void Should_report_the_final_size_of_a_process_that_went_quiet()
    {
        // All 64 MiB are touched within one interval, so the leading edge sees only the start; the
        // flush timer must send the rest although the process never changes again.
        using var child = NativeChild.Start(NativeChild.Path("holder"), "64");
        try
        {
            Assert.Equal("held", child.StandardOutput.ReadLine());

            var final = probe.WaitFor(e => e.Key.Pid == child.Id && e.Sample.AnonBytes >= 64 << 20, Patience);

            Assert.NotNull(final);
            Assert.True(probe.Probe.ReadStats().Flushes > 0);
        }
        finally
        {
            child.Kill();
        }
    }

    [Fact]
    public void Should_charge_pages_reclaimed_by_another_task_to_the_owner_of_the_mm()
    {
        // The child maps 32 MiB of clean file pages; this test process then pages them out of the
        // child's mm with process_madvise. Every such rss_stat event runs in *our* task with
        // curr == 0, and must be charged to the child.
        var file = Path.Combine(Path.GetTempPath(), $"memgrowth-pageout-{Guid.NewGuid():N}");
        using var child = NativeChild.Start(NativeChild.Path("filemapper"), file, (32 << 20).ToString(CultureInfo.InvariantCulture));
        try
        {
            var line = child.StandardOutput.ReadLine()!.Split(' ');
            var address = ulong.Parse(line[0], CultureInfo.InvariantCulture);
            var length = ulong.Parse(line[1], CultureInfo.InvariantCulture);
            var mapped = probe.WaitFor(e => e.Key.Pid == child.Id && e.Sample.FileBytes >= 32 << 20, Patience);
            Assert.NotNull(mapped);

            PageOut(child.Id, address, length);

            var reclaimed = probe.WaitFor(e => e.Key.Pid == child.Id && e.Sample.FileBytes < 16 << 20 && e.Sample.Time > mapped.Value.Sample.Time, Patience);
            Assert.NotNull(reclaimed);
            Assert.DoesNotContain(probe.EventsFor(Environment.ProcessId), e => e.Sample.FileBytes < 0);
        }
        finally
        {
            child.Kill();
            File.Delete(file);
        }
    }

    [Fact]
    public void Should_track_a_reused_pid_as_a_new_process()
    {
        // Ask the kernel to hand the next process the PID the last one had (ns_last_pid), retrying if
        // another fork on the host takes it first.
        for (var attempt = 0; attempt < 20; attempt++)
        {
            using var first = Process.Start("sleep", "0.05");
            first.WaitForExit();
            var firstExit = probe.WaitFor(e => e.Key.Pid == first.Id && e.Kind == SourceEventKind.Exit, Patience);
            Assert.NotNull(firstExit);

            File.WriteAllText("/proc/sys/kernel/ns_last_pid", (first.Id - 1).ToString(CultureInfo.InvariantCulture));
            using var second = Process.Start("sleep", "0.05");
            second.WaitForExit();
            if (second.Id != first.Id)
            {
                continue;
            }

            var secondSeen = probe.WaitFor(e => e.Key.Pid == second.Id && e.Kind == SourceEventKind.Seen && e.Key != firstExit.Value.Key, Patience);
            Assert.NotNull(secondSeen);
            Assert.True(secondSeen.Value.Key.StartTicks > firstExit.Value.Key.StartTicks);
            return;
        }

        Assert.Fail("could not get the kernel to reuse a PID in 20 attempts");
    }

    [Fact]
    public void Should_report_the_exit_of_an_idle_process_that_was_running_before_the_probe()
    {
        // A process that never touches memory gives the kernel nothing to track; seeding process_states
        // from /proc at start makes the kernel report its exit like any other.
        using var idle = Process.Start("sleep", "30");
        var key = new MemGrowth.Shared.Growth.ProcessKey(idle.Id, StartTicks(idle.Id));
        using var fresh = MemGrowthProbe.Open(new ProbeSettings(), Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance);
        fresh.Configure();
        fresh.Load();
        fresh.Attach();
        var exits = new List<SourceEvent>();
        using var reader = new RingReader(fresh.EventsFd, batch => { lock (exits) { exits.AddRange(batch.Where(e => e.Kind == SourceEventKind.Exit)); } },
            Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance);
        reader.Start();
        var state = new MgState { StartBoottimeNs = key.StartTicks * 10_000_000UL };

        Assert.Equal(1, fresh.Seed([((uint)idle.Id, state)]));
        idle.Kill();
        idle.WaitForExit();
        var gone = MonotonicClock.NowSeconds;

        SourceEvent? exit = null;
        var watch = Stopwatch.StartNew();
        while (exit is null && watch.Elapsed < Patience)
        {
            lock (exits)
            {
                exit = exits.FirstOrDefault(e => e.Key == key) is { Key.Pid: > 0 } e ? e : null;
            }

            Thread.Sleep(20);
        }

        Assert.NotNull(exit);
        Assert.True(exit.Value.Sample.Time - gone < 1.0);
        Assert.DoesNotContain(fresh.ReadStates(), s => s.Tgid == idle.Id);
    }

    [Fact]
    public void Should_ignore_kernel_threads()
    {
        var kthreads = Directory.EnumerateDirectories("/proc")
            .Select(d => int.TryParse(Path.GetFileName(d), out var pid) ? pid : 0)
            .Where(pid => pid > 0 && IsKernelThread(pid))
            .ToHashSet();

        Assert.NotEmpty(kthreads);
        Assert.DoesNotContain(probe.Probe.ReadStates(), s => kthreads.Contains((int)s.Tgid));
    }

    private static bool IsKernelThread(int pid) => new ProcfsReader().ReadStat(pid) is { IsKernelThread: true };

    private static ulong StartTicks(int pid) => new ProcfsReader().ReadStat(pid)!.Value.StartTicks;

    private static unsafe void PageOut(int pid, ulong address, ulong length)
    {
        const int madvPageout = 21;
        var pidfd = (int)Syscall(434 /* pidfd_open */, pid, 0, 0, 0, 0);
        Assert.True(pidfd >= 0, $"pidfd_open failed: {Marshal.GetLastPInvokeError()}");
        var iov = stackalloc ulong[2] { address, length };
        var advised = Syscall(440 /* process_madvise */, pidfd, (long)iov, 1, madvPageout, 0);
        Assert.True(advised >= 0, $"process_madvise(MADV_PAGEOUT) failed: errno {Marshal.GetLastPInvokeError()}");
        Close(pidfd);
    }

    [LibraryImport("libc", EntryPoint = "syscall", SetLastError = true)]
    private static partial long Syscall(long number, long a, long b, long c, long d, long e);

    [LibraryImport("libc", EntryPoint = "close")]
    private static partial int Close(int fd);
}

[CollectionDefinition(Name)]
public sealed class KernelCollection : ICollectionFixture<ProbeFixture>
{
    public const string Name = "kernel";
}
