namespace MemGrowth.Validation.Corpus;

/// <summary>What a labelled process is: the ground truth a detection is scored against.</summary>
public enum Expectation
{
    /// <summary>Leaks: must be detected (true positive), or it is a miss (false negative).</summary>
    Leak,

    /// <summary>Known good: any detection is a false positive.</summary>
    Good,

    /// <summary>
    /// Scored apart: a detection is allowed, but it must resolve within the allowance after the growth
    /// stops, and a periodic one must not be flagged again once one full cycle has been seen.
    /// </summary>
    Ambiguous,
}
