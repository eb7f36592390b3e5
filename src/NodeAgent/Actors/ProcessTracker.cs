using Akka.Actor;
using MemGrowth.NodeAgent.Sources;
using MemGrowth.Shared.Fleet;
using MemGrowth.Shared.Growth;
using MemGrowth.Shared.Messages;

namespace MemGrowth.NodeAgent.Actors;

/// <summary>
/// One actor per tracked process (PID + start time). It feeds samples to the pure
/// <see cref="ProcessGrowth"/> and turns its decisions into <see cref="Detection"/>s, looking up the
/// cmdline, cgroup and memory limit only when there is something to report.
/// </summary>
internal sealed class ProcessTracker : ReceiveActor, IWithTimers
{
    private static readonly TimeSpan DetailsMaxAge = TimeSpan.FromSeconds(5);

    /// <summary>The confirming tick comes this many sample intervals after a sample (past the 1.5 that counts as silence).</summary>
    private const double ConfirmAfterIntervals = 1.6;

    private readonly ProcessKey _key;
    private readonly TrackerSettings _settings;
    private readonly IHostProcesses _host;
    private readonly IActorRef _detections;
    private readonly ProcessGrowth _growth;
    private readonly UnsentSamples _unsent;
    private string _comm;
    private double _lastSampleTime = double.NegativeInfinity;
    private bool _lastWasTick;
    private double _firstSeen;
    private ProcessDetails? _details;
    private double _detailsAt = double.NegativeInfinity;
    private bool _settled;
    private bool _oomKilled;
    private bool _isMemGrowthNode;

    public ProcessTracker(ProcessKey key, string comm, double firstSeen, TrackerSettings settings, IHostProcesses host, IActorRef detections)
    {
        _key = key;
        _comm = comm;
        _firstSeen = firstSeen;
        _settings = settings;
        _host = host;
        _detections = detections;
        _growth = new ProcessGrowth(settings.Growth);

        // About one real sample a step (the source coalesces per interval) over the window the growth is found in.
        _unsent = new UnsentSamples(settings.Growth.WindowSeconds, (int)Math.Ceiling(settings.Growth.WindowSeconds / settings.Growth.SampleIntervalSeconds) + 4);

        Receive<SourceEvent>(e => e.Kind == SourceEventKind.OomKill, OnOomKill);
        Receive<SourceEvent>(OnSample);
        Receive<Tick>(OnTick);
        Receive<ProcessGone>(OnGone);
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(ProcessKey key, string comm, double firstSeen, TrackerSettings settings, IHostProcesses host, IActorRef detections) =>
        Akka.Actor.Props.Create(() => new ProcessTracker(key, comm, firstSeen, settings, host, detections));

    private void OnSample(SourceEvent e)
    {
        if (_oomKilled || _isMemGrowthNode)
        {
            return; // the process is dying (the reaper freeing its memory is no release of a leak), or one of MemGrowth's own nodes
        }

        _comm = e.Comm;
        if (e.FirstSeen > 0 && e.FirstSeen < _firstSeen)
        {
            _firstSeen = e.FirstSeen;
        }

        if (!_settled)
        {
            if (_settings.StartupGraceSeconds > 0 && MonotonicClock.AgeAt(e.Sample.Time, _key.StartTicks) < _settings.StartupGraceSeconds)
            {
                return;
            }

            _settled = true;
        }

        // Samples from one source arrive in order; a late one after a tick is moved to the tick's time.
        var sample = e.Sample.Time < _lastSampleTime ? e.Sample with { Time = _lastSampleTime } : e.Sample;
        _lastSampleTime = sample.Time;
        _lastWasTick = false;
        _unsent.Add(sample);
        Report(_growth.Observe(sample), sample.Time);

        // The floor trusts a level only once a second point holds it, and a process that stepped up and
        // went quiet sends nothing more: one tick after the sample supplies that point (a burst's step).
        if (!NeedsTime)
        {
            Timers.StartSingleTimer("confirm", new Tick(0, Confirm: true), TimeSpan.FromSeconds(ConfirmAfterIntervals * _settings.SampleIntervalSeconds));
        }
    }

    private void OnTick(Tick tick)
    {
        if (_oomKilled || _isMemGrowthNode)
        {
            return;
        }

        if (tick.Now <= 0)
        {
            tick = tick with { Now = MonotonicClock.NowSeconds };
        }

        // The source sends nothing while RSS stays within the minimum delta: silence means "unchanged".
        // Only growth under way needs that now: an open detection to resolve, and growth not yet confirmed,
        // whose evidence grows as the new level holds (a burst's step is only a step once it stays). The
        // window fills gaps by itself when the next sample comes. A sample is late after 1.5 intervals; once
        // one is, time is fed every interval (every other tick would add up to a second to each resolution).
        if (!(NeedsTime || tick.Confirm) || tick.Now - _lastSampleTime < TickAfterIntervals(_lastWasTick) * _settings.SampleIntervalSeconds)
        {
            return;
        }

        _lastSampleTime = tick.Now;
        _lastWasTick = true;
        Report(_growth.AdvanceTo(tick.Now), tick.Now);
    }

    /// <summary>How many sample intervals after the last sample (or fed-in tick) a tick feeds time in.</summary>
    internal static double TickAfterIntervals(bool lastWasTick) => lastWasTick ? 0.5 : 1.5;

    /// <summary>
    /// Said once, leaking or not (an operator wants to know of every OOM kill); the exit that follows says
    /// nothing more, so an OOM kill is never also reported as a plain exit.
    /// </summary>
    private void OnOomKill(SourceEvent e)
    {
        if (_oomKilled)
        {
            return;
        }

        _oomKilled = true;
        Timers.CancelAll();
        if (e.Comm.Length > 0)
        {
            _comm = e.Comm;
        }

        var atKill = e.Sample.RssBytes > 0 ? e.Sample : _growth.Latest ?? e.Sample;
        Publish(DetectionKind.ProcessOomKilled, e.Sample.Time, atKill with { Time = e.Sample.Time });
    }

    private void OnGone(ProcessGone gone)
    {
        if (_growth.IsDetected && !_oomKilled && !_isMemGrowthNode)
        {
            Publish(DetectionKind.ProcessExited, gone.Time);
        }

        Context.Stop(Self);
    }

    private void Report(DetectionChange change, double now)
    {
        var kind = change switch
        {
            DetectionChange.Detected => DetectionKind.GrowthDetected,
            DetectionChange.Updated => DetectionKind.GrowthUpdated,
            DetectionChange.Resolved => DetectionKind.GrowthResolved,
            _ => (DetectionKind?)null,
        };
        if (kind is not null)
        {
            Publish(kind.Value, now);
        }

        if (_isMemGrowthNode)
        {
            return;
        }

        // Only a tracker with growth under way needs time to pass without samples: quiet processes,
        // most of a host, get no timer at all.
        if (NeedsTime && !Timers.IsTimerActive("tick"))
        {
            Timers.StartPeriodicTimer("tick", new Tick(0), TimeSpan.FromSeconds(_settings.SampleIntervalSeconds));
        }
        else if (!NeedsTime)
        {
            Timers.Cancel("tick");
        }
    }

    /// <summary>An open detection, or growth that is not over: both change as time passes without samples.</summary>
    private bool NeedsTime => _growth.IsDetected || _growth.Current.Pattern != GrowthPattern.Stable;

    private void Publish(DetectionKind kind, double now, RssSample? sample = null)
    {
        // A dying process's details are gone or wrong (no cmdline once its memory is torn down; on v1 an
        // exiting task is moved to the root cgroup): an OOM victim keeps the ones its leak was reported
        // with, and is looked up only when there are none.
        var dying = kind == DetectionKind.ProcessExited || (kind == DetectionKind.ProcessOomKilled && _details is not null);
        if (!dying && now - _detailsAt > DetailsMaxAge.TotalSeconds)
        {
            _details = _host.Describe(_key.Pid);
            _detailsAt = now;
        }

        // Known only once there is something to say (the command line is read then): from here on, one of
        // MemGrowth's own nodes says nothing but an OOM kill, which an operator wants to hear of whoever it hit.
        if (kind != DetectionKind.ProcessOomKilled && !_settings.WatchSelf && _details is not null && MemGrowthNode.Is(_comm, _details.Cmdline))
        {
            _isMemGrowthNode = true;
            Timers.CancelAll();
            return;
        }

        var latest = sample ?? _growth.Latest ?? new RssSample(now, 0, 0, 0, 0);
        var assessment = kind == DetectionKind.ProcessOomKilled && !_growth.IsDetected ? GrowthAssessment.None : _growth.Current;

        // The samples behind a report that no earlier one carried: a first detection from where the growth
        // started (a new episode's too), an update all since the report before.
        var samples = kind switch
        {
            DetectionKind.GrowthDetected => _unsent.Take(double.IsFinite(assessment.GrowthStartedAt) ? assessment.GrowthStartedAt : double.NegativeInfinity),
            DetectionKind.GrowthUpdated => _unsent.Take(double.NegativeInfinity),
            _ => [],
        };
        _detections.Tell(DetectionFactory.Create(
            kind, _settings.Host, _key, _host.StartTimeOf(_key), _comm, _details, assessment, latest, _firstSeen, now, samples));
    }
}
