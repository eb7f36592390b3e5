namespace MemGrowth.Shared.Growth;

/// <summary>
/// Tuning for growth analysis of one process. Defaults suit samples about once per second coalesced in the
/// kernel with a 32 KiB minimum delta (see config/memgrowth.hocon). Call <see cref="Validate"/> after
/// building one from configuration.
/// </summary>
public sealed record GrowthSettings
{
    /// <summary>History kept per process, in seconds; older samples are forgotten.</summary>
    public double WindowSeconds { get; init; } = 300;

    /// <summary>A detection is raised when confidence reaches this value.</summary>
    public double ConfidenceThreshold { get; init; } = 0.6;

    /// <summary>Growth slower than this is never a leak.</summary>
    public double MinGrowthBytesPerSecond { get; init; } = 16 * 1024;

    /// <summary>
    /// Growth that has lasted no longer than this is never a leak: warm-ups, cache fills and single allocations
    /// finish within a few seconds, a leak keeps going.
    /// </summary>
    public double MinGrowthSeconds { get; init; } = 4;

    /// <summary>
    /// A detection resolves once the footprint has not grown for this long. The wait is stretched for growth
    /// that naturally pauses (bursts, slow noisy leaks), up to <see cref="MaxPauseSeconds"/>.
    /// </summary>
    public double ResolveAfterFlatSeconds { get; init; } = 8;

    /// <summary>
    /// Longest pause that still joins two growth phases into one episode; allocations further apart are
    /// judged separately, so a burst leak with steps further apart than this is not detected.
    /// </summary>
    public double MaxPauseSeconds { get; init; } = 60;

    /// <summary>
    /// Expected spacing of samples: the kernel's coalescing interval (<c>interval</c> in memgrowth.hocon). A
    /// longer gap means the footprint did not move by the minimum delta, so flat points are filled in at this
    /// step; samples closer than half of it are merged. Set it too short and steady growth looks like steps.
    /// </summary>
    public double SampleIntervalSeconds { get; init; } = 1;

    /// <summary>
    /// The kernel's minimum reported change (<c>min-delta</c> in memgrowth.hocon). Smaller movements are
    /// invisible, so this sets the floor of the noise estimate and of the smallest rise that counts.
    /// </summary>
    public long MinimumDeltaBytes { get; init; } = 32 * 1024;

    /// <summary>An <see cref="DetectionChange.Updated"/> is reported at most once per this many seconds.</summary>
    public double UpdateIntervalSeconds { get; init; } = 5;

    /// <summary>
    /// Relative change of the rate that counts as a material update (0.05 = 5%): the last report is what an
    /// operator reads, so it should not lag the refined rate by more than this.
    /// </summary>
    public double UpdateRateChange { get; init; } = 0.05;

    /// <summary>Absolute change of confidence that counts as a material update.</summary>
    public double UpdateConfidenceChange { get; init; } = 0.1;

    /// <summary>Horizon over which growth is projected to compute <see cref="GrowthAssessment.Severity"/>.</summary>
    public double SeverityHorizonSeconds { get; init; } = 3600;

    /// <summary>The defaults.</summary>
    public static GrowthSettings Default { get; } = new();

    /// <summary>Throws <see cref="ArgumentException"/> naming the first setting that cannot work, and why.</summary>
    public void Validate()
    {
        RequirePositive(WindowSeconds, nameof(WindowSeconds), "seconds of history kept per process, e.g. 300");
        RequirePositive(SampleIntervalSeconds, nameof(SampleIntervalSeconds), "the expected seconds between samples, e.g. 1");
        RequirePositive(MinGrowthBytesPerSecond, nameof(MinGrowthBytesPerSecond), "in bytes per second, e.g. 16384");
        RequirePositive(MinGrowthSeconds, nameof(MinGrowthSeconds), "in seconds, e.g. 4");
        RequirePositive(ResolveAfterFlatSeconds, nameof(ResolveAfterFlatSeconds), "in seconds, e.g. 8");
        RequirePositive(MaxPauseSeconds, nameof(MaxPauseSeconds), "in seconds, e.g. 60");
        RequirePositive(UpdateRateChange, nameof(UpdateRateChange), "a fraction, e.g. 0.05");
        RequirePositive(UpdateConfidenceChange, nameof(UpdateConfidenceChange), "a fraction, e.g. 0.1");
        RequirePositive(SeverityHorizonSeconds, nameof(SeverityHorizonSeconds), "in seconds, e.g. 3600");
        if (!double.IsFinite(UpdateIntervalSeconds) || UpdateIntervalSeconds < 0)
        {
            throw new ArgumentException(
                $"{nameof(UpdateIntervalSeconds)} is {UpdateIntervalSeconds}: use zero or more seconds, e.g. 5.",
                nameof(UpdateIntervalSeconds));
        }

        if (MinimumDeltaBytes <= 0)
        {
            throw new ArgumentException(
                $"{nameof(MinimumDeltaBytes)} is {MinimumDeltaBytes}: use the kernel's min-delta in bytes, e.g. 32768.",
                nameof(MinimumDeltaBytes));
        }

        if (!(ConfidenceThreshold > 0 && ConfidenceThreshold <= 1))
        {
            throw new ArgumentException(
                $"{nameof(ConfidenceThreshold)} is {ConfidenceThreshold}: use a value in (0, 1], e.g. 0.6.",
                nameof(ConfidenceThreshold));
        }

        if (MaxPauseSeconds < ResolveAfterFlatSeconds)
        {
            throw new ArgumentException(
                $"{nameof(MaxPauseSeconds)} ({MaxPauseSeconds}) is below {nameof(ResolveAfterFlatSeconds)} ({ResolveAfterFlatSeconds}): raise it, a pause that joins growth phases cannot be shorter than the flat time that ends a detection.",
                nameof(MaxPauseSeconds));
        }

        double needed = Math.Max(MinGrowthSeconds + ResolveAfterFlatSeconds, 10 * SampleIntervalSeconds);
        if (WindowSeconds < needed)
        {
            throw new ArgumentException(
                $"{nameof(WindowSeconds)} ({WindowSeconds}) is too short: keep at least {needed} s ({nameof(MinGrowthSeconds)} + {nameof(ResolveAfterFlatSeconds)}, and ten samples), or growth can never be confirmed.",
                nameof(WindowSeconds));
        }

        if (WindowSeconds / SampleIntervalSeconds > 100_000)
        {
            throw new ArgumentException(
                $"{nameof(WindowSeconds)} / {nameof(SampleIntervalSeconds)} is {WindowSeconds / SampleIntervalSeconds:F0} samples: keep it under 100000 (shorten the window or sample less often), each process holds them all.",
                nameof(WindowSeconds));
        }
    }

    private static void RequirePositive(double value, string name, string hint)
    {
        if (!double.IsFinite(value) || value <= 0)
        {
            throw new ArgumentException($"{name} is {value}: use a positive value, {hint}.", name);
        }
    }
}
