using MemGrowth.Shared.Growth;
using MemGrowth.Shared.Messages;
using MemGrowth.Validation.Scoring;

namespace MemGrowth.Validation.Replay;

/// <summary>
/// Feeds a recorded sample stream through the same growth analysis the agent's per-process tracker runs
/// (<see cref="ProcessGrowth"/>), the way the tracker does: samples from the process's first
/// <c>startupGrace</c> seconds are not evidence; after a sample, one tick confirms its level; and while
/// growth is under way (detected, or growing and not yet confirmed), time passing without samples is fed
/// in once per sample interval. Milliseconds per process.
/// </summary>
public static class TraceReplay
{
    /// <summary>As the tracker: the confirming tick comes 1.6 sample intervals after a sample.</summary>
    private const double ConfirmAfterIntervals = 1.6;

    public static IReadOnlyList<AgentReport> Run(ProcessTrace trace, GrowthSettings settings, double startupGraceSeconds)
    {
        ArgumentNullException.ThrowIfNull(trace);
        ArgumentNullException.ThrowIfNull(settings);
        var growth = new ProcessGrowth(settings);
        var reports = new List<AgentReport>();
        var interval = settings.SampleIntervalSeconds;
        var last = double.NegativeInfinity;
        var settled = startupGraceSeconds <= 0;

        var confirm = false;
        var lastWasTick = false;
        void Ticks(double until)
        {
            // After a sample that left no growth under way, the tracker ticks once to confirm its level.
            if (confirm && !(growth.IsDetected || growth.Current.Pattern != GrowthPattern.Stable) && last + (ConfirmAfterIntervals * interval) < until)
            {
                last += ConfirmAfterIntervals * interval;
                Emit(growth.AdvanceTo(last), last);
                lastWasTick = true;
            }

            confirm = false;

            // The tracker's timer fires every interval while growth is under way; it feeds time once a sample
            // is 1.5 intervals late, then at every tick.
            var tick = last + interval;
            while ((growth.IsDetected || growth.Current.Pattern != GrowthPattern.Stable) && tick < until)
            {
                if (tick - last >= (lastWasTick ? 0.5 : 1.5) * interval)
                {
                    Emit(growth.AdvanceTo(tick), tick);
                    last = tick;
                    lastWasTick = true;
                }

                tick += interval;
            }
        }

        void Emit(DetectionChange change, double time)
        {
            DetectionKind? kind = change switch
            {
                DetectionChange.Detected => DetectionKind.GrowthDetected,
                DetectionChange.Updated => DetectionKind.GrowthUpdated,
                DetectionChange.Resolved => DetectionKind.GrowthResolved,
                _ => null,
            };
            if (kind is { } k)
            {
                var a = growth.Current;
                reports.Add(new AgentReport(time, k, a.Pattern, a.BytesPerSecond, a.Confidence, a.GrowthStartedAt,
                    growth.Latest?.RssBytes ?? 0, null, null));
            }
        }

        foreach (var sample in trace.Samples)
        {
            if (!settled)
            {
                if (sample.Age < startupGraceSeconds)
                {
                    continue;
                }

                settled = true;
            }

            Ticks(sample.Time);
            var time = Math.Max(sample.Time, last);
            Emit(growth.Observe(sample.ToRssSample() with { Time = time }), time);
            last = time;
            lastWasTick = false;
            confirm = true;
        }

        if (trace.Exit is { } exit)
        {
            Ticks(exit);
            if (growth.IsDetected)
            {
                var a = growth.Current;
                reports.Add(new AgentReport(exit, DetectionKind.ProcessExited, a.Pattern, a.BytesPerSecond, a.Confidence, a.GrowthStartedAt,
                    growth.Latest?.RssBytes ?? 0, null, null));
            }
        }

        return reports;
    }
}
