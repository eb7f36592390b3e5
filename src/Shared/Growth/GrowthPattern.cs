namespace MemGrowth.Shared.Growth;

/// <summary>The shape of a process's current memory growth, as judged by <see cref="GrowthClassifier"/>.</summary>
public enum GrowthPattern
{
    /// <summary>No growth worth reporting: flat, noisy, freed, or the growth has stopped.</summary>
    Stable,

    /// <summary>Steady growth at a roughly constant rate.</summary>
    Linear,

    /// <summary>Growth whose rate keeps increasing.</summary>
    Accelerating,

    /// <summary>Growth that alternates between growing and pausing or partly releasing (a sawtooth on a rising baseline).</summary>
    Oscillating,

    /// <summary>Growth that arrives in a few large steps separated by flat stretches, never released.</summary>
    Burst,
}
