using MemGrowth.Shared.Growth;

namespace MemGrowth.Shared.Tests.Growth;

public class DetectionPolicyTests
{
    private static readonly GrowthAssessment Leak = new(GrowthPattern.Linear, 1_000_000, 0.8, 100, 0.5);

    [Fact]
    public void Should_detect_only_when_confidence_reaches_the_threshold()
    {
        var policy = new DetectionPolicy(GrowthSettings.Default);

        Assert.Equal(DetectionChange.None, policy.Decide(Leak with { Confidence = 0.59 }, 0));
        Assert.False(policy.IsDetected);
        Assert.Equal(DetectionChange.Detected, policy.Decide(Leak with { Confidence = 0.6 }, 1));
        Assert.True(policy.IsDetected);
        Assert.Equal(DetectionChange.None, policy.Decide(Leak with { Confidence = 0.6 }, 2));
    }

    [Fact]
    public void Should_never_detect_a_stable_assessment()
    {
        var policy = new DetectionPolicy(GrowthSettings.Default);

        Assert.Equal(DetectionChange.None, policy.Decide(Leak with { Pattern = GrowthPattern.Stable, Confidence = 1 }, 0));
    }

    [Fact]
    public void Should_not_resolve_because_confidence_dips()
    {
        var policy = new DetectionPolicy(GrowthSettings.Default);
        policy.Decide(Leak, 0);

        Assert.NotEqual(DetectionChange.Resolved, policy.Decide(Leak with { Confidence = 0.05 }, 10));
        Assert.True(policy.IsDetected);
    }

    [Fact]
    public void Should_resolve_when_growth_stops_or_slows_below_half_the_minimum()
    {
        var policy = new DetectionPolicy(GrowthSettings.Default);
        policy.Decide(Leak, 0);
        Assert.Equal(DetectionChange.Resolved, policy.Decide(GrowthAssessment.None, 1));
        Assert.False(policy.IsDetected);

        policy.Decide(Leak, 2);
        Assert.NotEqual(DetectionChange.Resolved, policy.Decide(Leak with { BytesPerSecond = 9 * 1024 }, 10));
        Assert.Equal(DetectionChange.Resolved, policy.Decide(Leak with { BytesPerSecond = 7 * 1024 }, 11));
    }

    [Theory]
    [InlineData(GrowthPattern.Oscillating, 1_000_000, 0.8)]
    [InlineData(GrowthPattern.Linear, 1_160_000, 0.8)]
    [InlineData(GrowthPattern.Linear, 840_000, 0.8)]
    [InlineData(GrowthPattern.Linear, 1_000_000, 0.91)]
    public void Should_update_on_a_material_change_but_not_within_the_update_interval(GrowthPattern pattern, double rate, double confidence)
    {
        var policy = new DetectionPolicy(GrowthSettings.Default);
        policy.Decide(Leak, 0);
        GrowthAssessment changed = Leak with { Pattern = pattern, BytesPerSecond = rate, Confidence = confidence };

        Assert.Equal(DetectionChange.None, policy.Decide(changed, 4.9));
        Assert.Equal(DetectionChange.Updated, policy.Decide(changed, 5));
        Assert.Equal(DetectionChange.None, policy.Decide(changed, 20));
    }

    [Fact]
    public void Should_not_update_for_small_changes()
    {
        var policy = new DetectionPolicy(GrowthSettings.Default);
        policy.Decide(Leak, 0);

        Assert.Equal(DetectionChange.None, policy.Decide(Leak with { BytesPerSecond = Leak.BytesPerSecond * 1.03, Confidence = 0.89, Severity = 0.9 }, 30));
    }

    [Fact]
    public void Should_update_at_most_once_per_interval_however_fast_things_change()
    {
        var policy = new DetectionPolicy(GrowthSettings.Default);
        policy.Decide(Leak, 0);
        var updates = new List<double>();
        double rate = Leak.BytesPerSecond;
        for (int t = 1; t <= 60; t++)
        {
            rate *= 1.2;
            if (policy.Decide(Leak with { BytesPerSecond = rate }, t) == DetectionChange.Updated)
            {
                updates.Add(t);
            }
        }

        Assert.Equal([5.0, 10, 15, 20, 25, 30, 35, 40, 45, 50, 55, 60], updates);
    }

    [Fact]
    public void Should_compare_updates_with_what_was_last_reported()
    {
        // Creeping 2% every 5 s never looks material step to step, but it adds up against the last report:
        // 1.02³ > 1.05.
        var policy = new DetectionPolicy(GrowthSettings.Default);
        policy.Decide(Leak, 0);
        var updates = new List<double>();
        double rate = Leak.BytesPerSecond;
        for (int t = 5; t <= 60; t += 5)
        {
            rate *= 1.02;
            if (policy.Decide(Leak with { BytesPerSecond = rate }, t) == DetectionChange.Updated)
            {
                updates.Add(t);
            }
        }

        Assert.Equal([15.0, 30, 45, 60], updates);
    }

    [Fact]
    public void Should_not_raise_a_resolved_episode_again_until_it_has_grown_a_detection_s_worth()
    {
        // The episode began at 100 and was resolved at 200 with 50 MB; at 1 MB/s a fresh detection needs
        // MinGrowthSeconds (4 s) of it: 4 MB more. A bump of jitter re-judging the old episode is not that.
        var policy = new DetectionPolicy(GrowthSettings.Default);
        policy.Decide(Leak, 150, 49_000_000, 100_000);
        Assert.Equal(DetectionChange.Resolved, policy.Decide(GrowthAssessment.None, 200, 50_000_000, 100_000));

        Assert.Equal(DetectionChange.None, policy.Decide(Leak, 201, 50_300_000, 100_000));
        Assert.Equal(DetectionChange.None, policy.Decide(Leak, 205, 53_900_000, 100_000));
        Assert.Equal(DetectionChange.Detected, policy.Decide(Leak, 206, 54_000_000, 100_000));
    }

    [Fact]
    public void Should_raise_growth_that_began_after_the_resolution_as_a_new_episode()
    {
        var policy = new DetectionPolicy(GrowthSettings.Default);
        policy.Decide(Leak, 150, 49_000_000, 100_000);
        policy.Decide(GrowthAssessment.None, 200, 50_000_000, 100_000);

        Assert.Equal(DetectionChange.Detected, policy.Decide(Leak with { GrowthStartedAt = 201 }, 207, 50_100_000, 100_000));
    }
}
