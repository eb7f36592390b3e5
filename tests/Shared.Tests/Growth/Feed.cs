using MemGrowth.Shared.Growth;

namespace MemGrowth.Shared.Tests.Growth;

/// <summary>One change reported while feeding a series, with the assessment at that moment.</summary>
internal sealed record Reported(double Time, DetectionChange Change, GrowthAssessment Assessment);

/// <summary>Feeds series to a <see cref="ProcessGrowth"/> one sample per second and records what it reports.</summary>
internal sealed class Feed
{
    /// <summary>Samples start here: a monotonic clock is rarely near zero.</summary>
    public const double T0 = 5000;

    public Feed(GrowthSettings? settings = null) => Growth = new ProcessGrowth(settings ?? GrowthSettings.Default);

    public ProcessGrowth Growth { get; }

    public List<Reported> Events { get; } = [];

    /// <summary>Assessment after each sample, index = sample index.</summary>
    public List<GrowthAssessment> History { get; } = [];

    public double? FirstDetection => Events.FirstOrDefault(e => e.Change == DetectionChange.Detected)?.Time;

    public int Detections => Events.Count(e => e.Change == DetectionChange.Detected);

    public static RssSample Sample(double time, double footprint) => new(time, 0, (long)footprint, 0, 0);

    public static Feed Run(double[] values, GrowthSettings? settings = null)
    {
        var feed = new Feed(settings);
        feed.Samples(values);
        return feed;
    }

    public Feed Samples(double[] values, double start = T0)
    {
        for (int i = 0; i < values.Length; i++)
        {
            Record(start + i, Growth.Observe(Sample(start + i, values[i])));
        }

        return this;
    }

    /// <summary>No samples for <paramref name="seconds"/>: the actor's timer calls AdvanceTo each second.</summary>
    public Feed Silence(double from, int seconds)
    {
        for (int i = 1; i <= seconds; i++)
        {
            Record(from + i, Growth.AdvanceTo(from + i));
        }

        return this;
    }

    private void Record(double time, DetectionChange change)
    {
        History.Add(Growth.Current);
        if (change != DetectionChange.None)
        {
            Events.Add(new Reported(time, change, Growth.Current));
        }
    }
}
