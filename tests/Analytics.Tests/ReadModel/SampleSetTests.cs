using MemGrowth.Analytics.ReadModel;
using MemGrowth.Shared.Growth;
using MemGrowth.Shared.Messages;
using Xunit;

namespace MemGrowth.Analytics.Tests.ReadModel;

/// <summary>A report's samples stored as one row read back as they were carried, in order.</summary>
public sealed class SampleSetTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 26, 5, 0, 0, 123, TimeSpan.Zero);

    [Fact]
    public void Should_read_back_every_sample_in_order_with_its_report_number()
    {
        MemorySample[] carried = [new(T0, 200L << 20, 150L << 20, 40L << 20, 0), new(T0.AddSeconds(1), (201L << 20) + 7, 151L << 20, 40L << 20, 4096)];
        var leak = new LeakId("web-1", 42, 599433);
        var report = new LeakReport(T0.AddSeconds(1), GrowthPattern.Linear, 1 << 20, 0.9, 201L << 20, null, null);
        var set = SampleSet.Of("leak-web-1/42/599433", 7, new LeakReported(leak, T0.AddSeconds(1), report, false, new MemorySamples(carried)));

        Assert.NotNull(set);
        var rows = set.Rows().ToList();
        Assert.Equal(2, set.Count);
        Assert.Equal([0, 1], rows.Select(r => r.Index));
        Assert.All(rows, r => Assert.Equal(7, r.SequenceNr));
        Assert.Equal(carried.Select(c => (c.Time, c.RssBytes, c.AnonBytes, c.FileBytes, c.SwapBytes)), rows.Select(r => (r.Time, r.RssBytes, r.AnonBytes, r.FileBytes, r.SwapBytes)));
    }

    [Fact]
    public void Should_store_nothing_for_an_event_without_samples()
    {
        var leak = new LeakId("web-1", 42, 599433);

        Assert.Null(SampleSet.Of("leak-web-1/42/599433", 3, new LeakResolved(leak, T0)));
    }

    [Fact]
    public void Should_refuse_data_not_in_its_form()
    {
        var bad = new SampleSet("leak-x", 1, 1, "1,2,3");

        Assert.Throws<FormatException>(() => bad.Rows().ToList());
    }
}
