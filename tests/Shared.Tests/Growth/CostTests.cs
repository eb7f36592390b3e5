using MemGrowth.Shared.Growth;

namespace MemGrowth.Shared.Tests.Growth;

/// <summary>
/// Observe runs once per process per second on every node: it must not churn the heap. (Its speed is
/// a benchmark's business, not a timed test's: see bench part 4, agent CPU with 100 leaking processes.)
/// </summary>
public class CostTests
{
    [Fact]
    public void Should_allocate_nothing_but_the_assessment_per_sample()
    {
        double[] leak = new Trace(30 * Trace.MiB).Grow(Trace.MiB, 3000).Build(50 * Trace.KiB);
        double[] flat = new Trace(30 * Trace.MiB).Flat(3000).Build(2 * Trace.MiB);

        // A leak that outlived the window allocates its assessment twice (the start is carried over).
        Assert.InRange(AllocatedPerSample(leak), 0, 128);
        Assert.InRange(AllocatedPerSample(flat), 0, 1);
    }

    private static double AllocatedPerSample(double[] values)
    {
        var growth = new ProcessGrowth(GrowthSettings.Default);
        for (int i = 0; i < 1000; i++)
        {
            growth.Observe(Feed.Sample(i, values[i]));
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 1000; i < values.Length; i++)
        {
            growth.Observe(Feed.Sample(i, values[i]));
        }

        return (GC.GetAllocatedBytesForCurrentThread() - before) / (double)(values.Length - 1000);
    }
}
