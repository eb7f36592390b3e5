namespace MemGrowth.Tools.Workload;

/// <summary>The shapes of memory growth the methodology validates the detector against.</summary>
public enum GrowthPattern
{
    /// <summary>The rate, every second: a steady leak.</summary>
    Linear,

    /// <summary>(i+1) × rate in second i, capped: a leak that speeds up.</summary>
    Accelerating,

    /// <summary>The rate for half the period, then nothing for the other half.</summary>
    Oscillating,

    /// <summary>50 × rate at once, every period.</summary>
    Burst,

    /// <summary>The rate once at start, then nothing: must never be flagged.</summary>
    Stable,

    /// <summary>The rate each second for half the period, then all of it freed: a cache that fills and flushes.</summary>
    Sawtooth,

    /// <summary>The rate for the first period seconds, then flat: growth that ends.</summary>
    Plateau,

    /// <summary>
    /// A garbage-collected runtime that leaks: a sawtooth whose collections free only down to leak × time,
    /// so its troughs rise at the leak rate while its peaks hide it. Written gc-leak.
    /// </summary>
    GcLeak,

    /// <summary>The rate for the first period seconds, then 90 % of it freed at once, then flat: must never be flagged.</summary>
    Release,
}
