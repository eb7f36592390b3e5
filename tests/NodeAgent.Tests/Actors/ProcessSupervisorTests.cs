using System.Diagnostics;
using System.Globalization;
using Akka.Actor;
using Akka.TestKit.Xunit2;
using MemGrowth.NodeAgent.Actors;
using MemGrowth.NodeAgent.Sources;
using MemGrowth.Shared.Growth;
using MemGrowth.Shared.Messages;
using Xunit;

namespace MemGrowth.NodeAgent.Tests.Actors;

/// <summary>
/// The supervisor and its trackers, driven by source events about real child processes (so the
/// liveness sweep and the cmdline/cgroup lookups read the real /proc).
/// </summary>
public sealed class ProcessSupervisorTests : TestKit
{
    private const long MiB = 1024 * 1024;
    private readonly List<Process> _children = [];
    // Samples are stamped from just past the start-up grace of the freshly started children.
    private double _now = MonotonicClock.NowSeconds + 2;

    [Fact]
    public async Task Should_spawn_one_tracker_per_process_and_stop_it_on_exit()
    {
        var (supervisor, _) = Start();
        var key = Spawn();

        supervisor.Tell(Seen(key, 10 * MiB));
        Assert.Equal(key, ExpectMsg<ProcessTracked>().Key);
        supervisor.Tell(new SourceEvent(SourceEventKind.Exit, key, "sleep", Sample(0), 0, 0, 0));

        var untracked = ExpectMsg<ProcessUntracked>();
        Assert.Equal((key, "exited"), (untracked.Key, untracked.Reason));
        Assert.Empty((await supervisor.Ask<TrackedProcesses>(GetTrackedProcesses.Instance)).Keys);
    }

    [Fact]
    public async Task Should_treat_a_reused_pid_as_a_new_process()
    {
        var (supervisor, _) = Start();
        var key = Spawn();
        var reused = key with { StartTicks = key.StartTicks + 1 };

        supervisor.Tell(Seen(key, MiB));
        ExpectMsg<ProcessTracked>();
        supervisor.Tell(Seen(reused, MiB));

        Assert.Equal((key, "pid reused"), ExpectMsg<ProcessUntracked>() is var u ? (u.Key, u.Reason) : default);
        Assert.Equal(reused, ExpectMsg<ProcessTracked>().Key);
        Assert.Equal([reused], (await supervisor.Ask<TrackedProcesses>(GetTrackedProcesses.Instance)).Keys);
    }

    [Fact]
    public void Should_find_a_process_whose_exit_event_was_lost()
    {
        var (supervisor, _) = Start(sweep: TimeSpan.FromMilliseconds(200));
        var key = Spawn();
        supervisor.Tell(Seen(key, MiB));
        ExpectMsg<ProcessTracked>();

        _children[0].Kill();
        _children[0].WaitForExit();

        var untracked = ExpectMsg<ProcessUntracked>(TimeSpan.FromSeconds(5));
        Assert.Equal((key, "found dead"), (untracked.Key, untracked.Reason));
    }

    [Fact]
    public void Should_emit_detection_for_linear_growth_and_process_exited_when_it_ends()
    {
        var (supervisor, detections) = Start();
        var key = Spawn();
        supervisor.Tell(Seen(key, 40 * MiB));
        for (var second = 1; second <= 30; second++)
        {
            supervisor.Tell(SampleOf(key, (40 + second) * MiB));
        }

        var detected = detections.FishForMessage<Detection>(d => d.Kind == DetectionKind.GrowthDetected, TimeSpan.FromSeconds(5));
        Assert.Equal(key, detected.Process.Key);
        Assert.Equal(GrowthPattern.Linear, detected.Growth.Pattern);
        Assert.InRange(detected.Growth.BytesPerSecond, 0.97 * MiB, 1.03 * MiB);
        Assert.Contains("sleep", detected.Process.Cmdline, StringComparison.Ordinal);

        supervisor.Tell(new SourceEvent(SourceEventKind.Exit, key, "sleep", Sample(0), 0, 0, 0));
        var exited = detections.FishForMessage<Detection>(d => d.Kind == DetectionKind.ProcessExited, TimeSpan.FromSeconds(5));
        Assert.Equal(key, exited.Process.Key);
    }

    [Fact]
    public void Should_send_each_sample_behind_a_detection_once_from_the_growth_s_start()
    {
        var (supervisor, detections) = Start();
        var key = Spawn();
        supervisor.Tell(Seen(key, 40 * MiB));
        var sent = new List<long> { 40 * MiB };
        for (var second = 1; second <= 60; second++)
        {
            // 1 MiB/s for 30 s, then 3 MiB/s: the change of rate brings updates.
            sent.Add(second <= 30 ? (40 + second) * MiB : (70 + (3 * (second - 30))) * MiB);
            supervisor.Tell(SampleOf(key, sent[^1]));
        }

        var detected = detections.FishForMessage<Detection>(d => d.Kind == DetectionKind.GrowthDetected, TimeSpan.FromSeconds(5));
        var updates = detections.ReceiveWhile<Detection>(TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(1), o => (o as Detection)!);

        // The first: from where the growth started (wall clock, to the millisecond) up to its own sample.
        Assert.NotEmpty(detected.Samples);
        Assert.All(detected.Samples, s => Assert.InRange(s.Time, detected.Growth.Started.AddMilliseconds(-1), detected.Time));
        Assert.Equal(detected.Memory.RssBytes, detected.Samples[^1].RssBytes);
        Assert.Equal(detected.Samples.Select(s => s.RssBytes), detected.Samples.Select(s => s.AnonBytes));

        // Each later one only what came after the one before: together every sample from the first on, once.
        Assert.NotEmpty(updates);
        Assert.All(updates, u => Assert.Equal(DetectionKind.GrowthUpdated, u.Kind));
        var all = detected.Samples.Concat(updates.SelectMany(u => u.Samples)).ToList();
        Assert.Equal(sent.Where(v => v >= all[0].RssBytes && v <= updates[^1].Memory.RssBytes), all.Select(s => s.RssBytes));
        Assert.True(Enumerable.Range(1, all.Count - 1).All(i => all[i].Time > all[i - 1].Time), "samples out of order or repeated");
    }

    [Fact]
    public void Should_report_an_oom_kill_of_a_leaking_process_with_the_leak_s_rate_and_no_process_exited_after_it()
    {
        var (supervisor, detections) = Start();
        var key = Spawn();
        supervisor.Tell(Seen(key, 40 * MiB));
        Assert.Equal(key, ExpectMsg<ProcessTracked>().Key);
        for (var second = 1; second <= 30; second++)
        {
            supervisor.Tell(SampleOf(key, (40 + second) * MiB));
        }

        var detected = detections.FishForMessage<Detection>(d => d.Kind == DetectionKind.GrowthDetected, TimeSpan.FromSeconds(5));
        // The probe names the victim by PID only (no start time): the tracker under that PID takes it.
        supervisor.Tell(new SourceEvent(SourceEventKind.OomKill, key with { StartTicks = 0 }, "sleep", new RssSample(_now + 0.5, MiB, 75 * MiB, 0, 0), 0, 76 * MiB, 0));
        supervisor.Tell(SampleOf(key, 10 * MiB));
        supervisor.Tell(new SourceEvent(SourceEventKind.Exit, key, "sleep", Sample(0), 0, 0, 0));

        var killed = detections.FishForMessage<Detection>(d => d.Kind != DetectionKind.GrowthUpdated, TimeSpan.FromSeconds(5));
        Assert.Equal(DetectionKind.ProcessOomKilled, killed.Kind);
        Assert.Equal(key, killed.Process.Key);
        Assert.Equal(GrowthPattern.Linear, killed.Growth.Pattern);
        Assert.InRange(killed.Growth.BytesPerSecond, 0.97 * MiB, 1.03 * MiB);
        Assert.True(killed.Growth.Confidence >= detected.Growth.Confidence);
        Assert.Equal((76 * MiB, 75 * MiB, MiB), (killed.Memory.RssBytes, killed.Memory.AnonBytes, killed.Memory.FileBytes));
        Assert.Null(killed.Limit.SecondsToLimit);
        Assert.Equal((key, "exited"), ExpectMsg<ProcessUntracked>() is var u ? (u.Key, u.Reason) : default);
        detections.ExpectNoMsg(TimeSpan.FromMilliseconds(500));
    }

    [Fact]
    public void Should_report_an_oom_kill_of_a_process_that_was_not_leaking()
    {
        var (supervisor, detections) = Start();
        var key = Spawn();

        supervisor.Tell(new SourceEvent(SourceEventKind.OomKill, key, "sleep", new RssSample(_now, 0, 0, 0, 0), 0, 0, 0));

        var killed = detections.ExpectMsg<Detection>(TimeSpan.FromSeconds(5));
        Assert.Equal((DetectionKind.ProcessOomKilled, key), (killed.Kind, killed.Process.Key));
        Assert.Equal((GrowthPattern.Stable, 0.0, 0.0), (killed.Growth.Pattern, killed.Growth.BytesPerSecond, killed.Growth.Confidence));
        supervisor.Tell(new SourceEvent(SourceEventKind.Exit, key, "sleep", Sample(0), 0, 0, 0));
        detections.ExpectNoMsg(TimeSpan.FromMilliseconds(500));
    }

    [Fact]
    public void Should_resolve_a_detection_when_the_samples_stop()
    {
        // The source sends nothing while RSS is unchanged: 30 s of growth that ended a second ago, then
        // silence. Only the tracker's own timer can tell it that time passes.
        _now = MonotonicClock.NowSeconds - 31;
        var (supervisor, detections) = Start(startupGrace: 0);
        var key = Spawn();
        supervisor.Tell(Seen(key, 40 * MiB));
        for (var second = 1; second <= 30; second++)
        {
            supervisor.Tell(SampleOf(key, (40 + second) * MiB));
        }

        detections.FishForMessage<Detection>(d => d.Kind == DetectionKind.GrowthDetected, TimeSpan.FromSeconds(5));
        var resolved = detections.FishForMessage<Detection>(d => d.Kind == DetectionKind.GrowthResolved, TimeSpan.FromSeconds(20));

        Assert.Equal(key, resolved.Process.Key);
    }

    [Fact]
    public void Should_confirm_a_step_that_goes_quiet_and_detect_a_burst_at_its_second_step()
    {
        // Flat, a 50 MiB step, flat, a second 50 MiB step that ends a moment ago, then silence: the probe
        // sends nothing more, so only the tracker's confirming tick can tell that the step held.
        _now = MonotonicClock.NowSeconds - 41;
        var (supervisor, detections) = Start(startupGrace: 0);
        var key = Spawn();
        supervisor.Tell(Seen(key, 40 * MiB));
        for (var second = 1; second <= 40; second++)
        {
            supervisor.Tell(SampleOf(key, second < 20 ? 40 * MiB : second < 40 ? 90 * MiB : 140 * MiB));
        }

        var detected = detections.FishForMessage<Detection>(d => d.Kind == DetectionKind.GrowthDetected, TimeSpan.FromSeconds(10));

        Assert.Equal(GrowthPattern.Burst, detected.Growth.Pattern);
        Assert.Equal(key, detected.Process.Key);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Should_not_report_memgrowth_s_own_nodes_unless_asked(bool watchSelf)
    {
        var (supervisor, detections) = Start(watchSelf: watchSelf);
        var key = SpawnNode("agent");
        supervisor.Tell(Seen(key, 40 * MiB, "memgrowth"));
        for (var second = 1; second <= 30; second++)
        {
            supervisor.Tell(SampleOf(key, (40 + second) * MiB, "memgrowth"));
        }

        // An OOM kill is reported whoever it hits, and after whatever the growth brought: the first detection
        // is the growth when the node is watched, the kill when it is not.
        supervisor.Tell(new SourceEvent(SourceEventKind.OomKill, key, "memgrowth", new RssSample(_now + 0.5, 0, 70 * MiB, 0, 0), 0, 70 * MiB, 0));

        var first = detections.ExpectMsg<Detection>(TimeSpan.FromSeconds(5));
        Assert.Equal(key, first.Process.Key);
        Assert.Equal(watchSelf ? DetectionKind.GrowthDetected : DetectionKind.ProcessOomKilled, first.Kind);
        Assert.Contains("memgrowth agent", first.Process.Cmdline, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_not_stall_or_detect_on_a_flat_process()
    {
        var (supervisor, detections) = Start();
        var key = Spawn();
        supervisor.Tell(Seen(key, 40 * MiB));
        for (var second = 1; second <= 30; second++)
        {
            supervisor.Tell(SampleOf(key, (40 * MiB) + (second % 3 * 64 * 1024)));
        }

        await supervisor.Ask<TrackedProcesses>(GetTrackedProcesses.Instance);
        detections.ExpectNoMsg(TimeSpan.FromMilliseconds(300));
    }

    protected override void Dispose(bool disposing)
    {
        foreach (var child in _children)
        {
            if (!child.HasExited)
            {
                child.Kill();
            }

            child.Dispose();
        }

        base.Dispose(disposing);
    }

    private (IActorRef Supervisor, Akka.TestKit.TestProbe Detections) Start(TimeSpan? sweep = null, double startupGrace = 1, bool watchSelf = false)
    {
        Sys.EventStream.Subscribe(TestActor, typeof(ProcessTracked));
        Sys.EventStream.Subscribe(TestActor, typeof(ProcessUntracked));
        var detections = CreateTestProbe();
        var settings = new TrackerSettings(GrowthSettings.Default, "test-host", 1.0, sweep ?? TimeSpan.FromMinutes(10)) { IgnoredPid = -1, StartupGraceSeconds = startupGrace, WatchSelf = watchSelf };
        var supervisor = Sys.ActorOf(ProcessSupervisor.Props(settings, new HostProcesses(), detections.Ref, null, () => _now));
        return (supervisor, detections);
    }

    private ProcessKey Spawn()
    {
        var child = Process.Start("sleep", "60");
        _children.Add(child);
        return new ProcessKey(child.Id, new ProcfsReader().ReadStat(child.Id)!.Value.StartTicks);
    }

    /// <summary>
    /// A process that looks like a MemGrowth node to /proc: an executable named memgrowth (a copy of the
    /// shell) whose first argument is the role, a script there that waits on its stdin.
    /// </summary>
    private ProcessKey SpawnNode(string role)
    {
        var dir = Directory.CreateTempSubdirectory("memgrowth-node-").FullName;
        File.Copy("/bin/sh", Path.Combine(dir, "memgrowth")); // keeps its mode: executable
        File.WriteAllText(Path.Combine(dir, role), "read line\n");
        var child = Process.Start(new ProcessStartInfo(Path.Combine(dir, "memgrowth"), role) { WorkingDirectory = dir, RedirectStandardInput = true })!;
        _children.Add(child);
        return new ProcessKey(child.Id, new ProcfsReader().ReadStat(child.Id)!.Value.StartTicks);
    }

    private RssSample Sample(long anon) => new(_now, 0, anon, 0, 0);

    private SourceEvent Seen(ProcessKey key, long anon, string comm = "sleep") => new(SourceEventKind.Seen, key, comm, Sample(anon), _now, anon, 0);

    private SourceEvent SampleOf(ProcessKey key, long anon, string comm = "sleep")
    {
        _now += 1;
        return new(SourceEventKind.Sample, key, comm, Sample(anon), 0, anon, 0);
    }
}
