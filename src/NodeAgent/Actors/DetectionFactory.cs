using MemGrowth.NodeAgent.Cgroups;
using MemGrowth.NodeAgent.Sources;
using MemGrowth.Shared.Growth;
using MemGrowth.Shared.Messages;

namespace MemGrowth.NodeAgent.Actors;

/// <summary>Builds the outgoing <see cref="Detection"/> from a tracker's state. Pure but for the clock conversion.</summary>
internal static class DetectionFactory
{
    public static Detection Create(
        DetectionKind kind, string host, ProcessKey key, DateTimeOffset startTime, string comm, ProcessDetails? details,
        GrowthAssessment assessment, RssSample latest, double firstSeen, double now, IReadOnlyList<RssSample> samples)
    {
        ArgumentNullException.ThrowIfNull(samples);
        var limit = details?.MemoryLimitBytes;
        var usage = details?.CgroupUsageBytes;
        var rate = kind == DetectionKind.GrowthResolved ? 0 : assessment.BytesPerSecond;
        return new Detection(
            kind,
            MonotonicClock.ToWallClock(now),
            new DetectedProcess(host, key, startTime, comm, details?.Cmdline ?? "", details?.Cgroup, details?.ContainerId, MonotonicClock.ToWallClock(firstSeen)),
            new GrowthVerdict(
                assessment.Pattern,
                assessment.BytesPerSecond,
                assessment.Confidence,
                MonotonicClock.ToWallClock(double.IsFinite(assessment.GrowthStartedAt) ? assessment.GrowthStartedAt : firstSeen)),
            new MemoryUsage(latest.RssBytes, latest.AnonBytes, latest.FileBytes, latest.ShmemBytes, latest.SwapBytes),
            new MemoryLimit(limit, kind == DetectionKind.ProcessOomKilled ? null : TimeToLimit.Seconds(limit, usage ?? latest.RssBytes, rate)),
            Samples(samples));
    }

    /// <summary>The samples on the wall clock, to the millisecond (what their wire form keeps).</summary>
    internal static MemorySamples Samples(IReadOnlyList<RssSample> samples) =>
        samples.Count == 0
            ? MemorySamples.Empty
            : new MemorySamples(samples.Select(s => new MemorySample(
                DateTimeOffset.FromUnixTimeMilliseconds(MonotonicClock.ToWallClock(s.Time).ToUnixTimeMilliseconds()), s.RssBytes, s.AnonBytes, s.FileBytes, s.SwapBytes)));
}
