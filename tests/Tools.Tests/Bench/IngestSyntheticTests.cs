using MemGrowth.Shared.Messages;
using MemGrowth.Tools.Bench;
using Xunit;

namespace MemGrowth.Tools.Tests.Bench;

/// <summary>The ingest benchmark's detections carry samples as an agent's do, so its numbers count their weight.</summary>
public sealed class IngestSyntheticTests
{
    [Fact]
    public void A_leak_s_first_detection_carries_ten_samples_and_each_update_five_newer_ones()
    {
        var options = new IngestOptions { Leaks = 2, Host = "bench-host" };

        var detections = Enumerable.Range(0, 8).Select(n => IngestBenchmark.Synthetic(options, n)).Where(d => d.Process.Key.Pid == 100_000).ToList();

        Assert.Equal([DetectionKind.GrowthDetected, DetectionKind.GrowthUpdated, DetectionKind.GrowthUpdated, DetectionKind.GrowthUpdated], detections.Select(d => d.Kind));
        Assert.Equal([10, 5, 5, 5], detections.Select(d => d.Samples.Count));
        var all = detections.SelectMany(d => d.Samples).ToList();
        Assert.True(Enumerable.Range(1, all.Count - 1).All(i => all[i].Time > all[i - 1].Time && all[i].RssBytes > all[i - 1].RssBytes), "samples out of order");
        Assert.All(detections, d => Assert.Equal((d.Time, d.Memory.RssBytes), (d.Samples[^1].Time, d.Samples[^1].RssBytes)));
        Assert.Equal(detections[0].Growth.Started, detections[0].Samples[0].Time);
    }
}
