using Akka.Actor;
using MemGrowth.NodeAgent.Sources;
using MemGrowth.Shared.Growth;

namespace MemGrowth.NodeAgent.Actors;

/// <summary>
/// Spawns one <see cref="ProcessTracker"/> per process (PID + start time), routes source events to it,
/// stops it when the process exits, and sweeps for processes whose exit event was lost. A reused PID
/// with a new start time is a new process: the old tracker is told its process is gone.
/// </summary>
public sealed class ProcessSupervisor : ReceiveActor, IWithTimers
{
    private readonly TrackerSettings _settings;
    private readonly IHostProcesses _host;
    private readonly IActorRef _detections;
    private readonly EventBudget? _budget;
    private readonly Func<double> _clock;
    private readonly Dictionary<ProcessKey, IActorRef> _trackers = [];
    private readonly Dictionary<int, ProcessKey> _byPid = [];
    private long _spawned;

    public ProcessSupervisor(TrackerSettings settings, IHostProcesses host, IActorRef detections, EventBudget? budget, Func<double> clock)
    {
        _settings = settings;
        _host = host;
        _detections = detections;
        _budget = budget;
        _clock = clock;

        Receive<SourceBatch>(OnBatch);
        Receive<SourceEvent>(Handle);
        Receive<Sweep>(_ => OnSweep());
        Receive<GetTrackedProcesses>(_ => Sender.Tell(new TrackedProcesses(_trackers.Keys.ToArray())));
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(TrackerSettings settings, IHostProcesses host, IActorRef detections, EventBudget? budget, Func<double> clock) =>
        Akka.Actor.Props.Create(() => new ProcessSupervisor(settings, host, detections, budget, clock));

    protected override void PreStart()
    {
        Timers.StartPeriodicTimer("sweep", new Sweep(), _settings.LivenessSweep);
    }

    private void OnBatch(SourceBatch batch)
    {
        foreach (var e in batch.Events)
        {
            Handle(e);
        }

        _budget?.Release(batch.Events.Count);
    }

    private void Handle(SourceEvent e)
    {
        if (e.Key.Pid == _settings.IgnoredPid)
        {
            return;
        }

        if (e.Kind == SourceEventKind.Exit)
        {
            Stop(e.Key, e.Sample.Time, "exited");
            return;
        }

        // An OOM victim the probe could not put a start time to is the process tracked under its PID.
        if (e.Kind == SourceEventKind.OomKill && e.Key.StartTicks == 0 && _byPid.TryGetValue(e.Key.Pid, out var tracked))
        {
            e = e with { Key = tracked };
        }

        if (!_trackers.TryGetValue(e.Key, out var tracker))
        {
            if (_byPid.TryGetValue(e.Key.Pid, out var previous))
            {
                Stop(previous, e.Sample.Time, "pid reused");
            }

            var firstSeen = e.FirstSeen > 0 ? e.FirstSeen : e.Sample.Time;
            tracker = Context.ActorOf(
                ProcessTracker.Props(e.Key, e.Comm, firstSeen, _settings, _host, _detections),
                $"p{e.Key.Pid}-{e.Key.StartTicks}-{++_spawned}");
            _trackers[e.Key] = tracker;
            _byPid[e.Key.Pid] = e.Key;
            Context.System.EventStream.Publish(new ProcessTracked(e.Key, e.Comm));
        }

        tracker.Tell(e);
    }

    private void OnSweep()
    {
        var now = _clock();
        foreach (var key in _trackers.Keys.Where(k => !_host.IsAlive(k)).ToList())
        {
            Stop(key, now, "found dead");
        }
    }

    private void Stop(ProcessKey key, double time, string reason)
    {
        if (!_trackers.Remove(key, out var tracker))
        {
            return;
        }

        if (_byPid.TryGetValue(key.Pid, out var current) && current == key)
        {
            _byPid.Remove(key.Pid);
        }

        tracker.Tell(new ProcessGone(time));
        Context.System.EventStream.Publish(new ProcessUntracked(key, reason));
    }

    private sealed record Sweep;
}
