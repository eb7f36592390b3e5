using MemGrowth.Shared.Growth;
using MemGrowth.Shared.Messages;
using MemGrowth.Validation.Replay;
using Xunit;

namespace MemGrowth.Validation.Tests.Replay;

public class TraceReplayTests
{
    private const long MiB = 1 << 20;

    [Fact]
    public void A_steady_leak_replays_to_a_detection_and_its_end_to_a_resolution()
    {
        // 30 MiB, then 1 MiB/s for 30 s, then flat for 20 s (no samples: the probe only reports changes).
        var samples = Enumerable.Range(0, 31).Select(i => Sample(100 + i, 30 * MiB + (i * MiB), age: 0.5 + i)).ToList();
        var trace = new ProcessTrace(1, 1, "grow", 99.5, 100, samples, Exit: 150, ExitReceived: 150.01);

        var reports = TraceReplay.Run(trace, GrowthSettings.Default, startupGraceSeconds: 1);

        var detected = Assert.Single(reports, r => r.Kind == DetectionKind.GrowthDetected);
        Assert.InRange(detected.Time, 104, 110);
        Assert.Equal(GrowthPattern.Linear, detected.Pattern);
        Assert.InRange(detected.BytesPerSecond, 0.95 * MiB, 1.05 * MiB);
        var resolved = Assert.Single(reports, r => r.Kind == DetectionKind.GrowthResolved);
        Assert.InRange(resolved.Time, 131, 145);
    }

    [Fact]
    public void A_flat_process_replays_to_nothing()
    {
        var samples = Enumerable.Range(0, 60).Select(i => Sample(100 + i, (40 * MiB) + (i % 2 * 64 * 1024), age: 5 + i)).ToList();

        Assert.Empty(TraceReplay.Run(new ProcessTrace(1, 1, "flat", 95, 95, samples, null, null), GrowthSettings.Default, 1));
    }

    [Fact]
    public void Samples_from_the_start_up_grace_are_not_evidence()
    {
        // All growth happens while the process is younger than the grace: nothing to see afterwards.
        var samples = Enumerable.Range(0, 20).Select(i => Sample(100 + i, (10 + (3 * i)) * MiB, age: i)).ToList();

        Assert.NotEmpty(TraceReplay.Run(new ProcessTrace(1, 1, "x", 100, 100, samples, null, null), GrowthSettings.Default, 0));
        Assert.Empty(TraceReplay.Run(new ProcessTrace(1, 1, "x", 100, 100, samples, null, null), GrowthSettings.Default, 30));
    }

    private static TraceSample Sample(double time, long anon, double age) => new(time, age, 0, anon, 0, 0);
}
