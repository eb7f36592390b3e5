using System.Diagnostics;
using System.Reflection;
using MemGrowth.Shared.Growth;

namespace MemGrowth.Shared.Tests.Growth;

/// <summary>Observe runs once per process per second on every node: it must stay cheap and not churn the heap.</summary>
public class CostTests
{
    private static readonly bool Optimized =
        typeof(ProcessGrowth).Assembly.GetCustomAttribute<DebuggableAttribute>()?.IsJITOptimizerDisabled != true;

    [Fact]
    public void Should_allocate_nothing_but_the_assessment_per_sample()
    {
        double[] leak = new Trace(30 * Trace.MiB).Grow(Trace.MiB, 3000).Build(50 * Trace.KiB);
        double[] flat = new Trace(30 * Trace.MiB).Flat(3000).Build(2 * Trace.MiB);

        // A leak that outlived the window allocates its assessment twice (the start is carried over).
        Assert.InRange(AllocatedPerSample(leak), 0, 128);
        Assert.InRange(AllocatedPerSample(flat), 0, 1);
    }

    [Fact]
    public void Should_observe_a_sample_in_microseconds_with_a_full_window()
    {
        double[] leak = new Trace(30 * Trace.MiB).Grow(Trace.MiB, 20_000).Build(50 * Trace.KiB);

        double micros = MicrosecondsPerSample(GrowthSettings.Default, leak);

        // About 7 µs optimised on a 2020s core; the bound leaves room for a busy CI machine and Debug builds.
        Assert.InRange(micros, 0, Optimized ? 30 : 150);
    }

    [Fact]
    public void Should_cost_linear_time_in_the_window()
    {
        double[] leak = new Trace(30 * Trace.MiB).Grow(Trace.MiB, 20_000).Build(50 * Trace.KiB);

        double small = MicrosecondsPerSample(GrowthSettings.Default with { WindowSeconds = 300 }, leak);
        double large = MicrosecondsPerSample(GrowthSettings.Default with { WindowSeconds = 3000 }, leak);

        // Ten times the window: about ten times the cost, a hundred if any step were quadratic.
        Assert.True(large < 30 * small, $"300 s window: {small:F1} µs, 3000 s window: {large:F1} µs");
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

    private static double MicrosecondsPerSample(GrowthSettings settings, double[] values)
    {
        var growth = new ProcessGrowth(settings);
        int i = 0;

        // Fill the window, and run long enough for tiered compilation to optimise the hot path.
        var warmUp = Stopwatch.StartNew();
        while (i < values.Length / 2 && (i < 2 * settings.WindowSeconds || warmUp.ElapsedMilliseconds < 300))
        {
            growth.Observe(Feed.Sample(i, values[i]));
            i++;
        }

        int first = i;
        var clock = Stopwatch.StartNew();
        for (; i < values.Length; i++)
        {
            growth.Observe(Feed.Sample(i, values[i]));
        }

        return clock.Elapsed.TotalMicroseconds / (values.Length - first);
    }
}
