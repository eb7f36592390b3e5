namespace MemGrowth.Validation.Scoring;

/// <summary>How one labelled process was scored.</summary>
public enum Outcome
{
    /// <summary>A leak, detected while it grew.</summary>
    TruePositive,

    /// <summary>A leak never detected while it grew.</summary>
    FalseNegative,

    /// <summary>A known-good process that was detected.</summary>
    FalsePositive,

    /// <summary>A known-good process never detected.</summary>
    TrueNegative,

    /// <summary>Ambiguous: not detected, or detected and resolved in time and not flagged again.</summary>
    AmbiguousHandled,

    /// <summary>Ambiguous: detected and left open too long after the growth stopped, or flagged again after a full cycle.</summary>
    AmbiguousMishandled,
}
