namespace MemGrowth.Shared.Growth;

/// <summary>What one call to <see cref="ProcessGrowth"/> changed about the leak detection for its process.</summary>
public enum DetectionChange
{
    /// <summary>Nothing worth telling anyone.</summary>
    None,

    /// <summary>Confidence crossed the threshold: the process is now considered leaking.</summary>
    Detected,

    /// <summary>A detected leak's assessment changed materially (pattern, rate or confidence).</summary>
    Updated,

    /// <summary>A detected leak stopped: the footprint went flat or memory was returned.</summary>
    Resolved,
}
