namespace MemGrowth.Analytics.Leaks;

/// <summary>Where a leak is in its lifecycle: suspected → confirmed → resolved, or ended by exit or the OOM killer.</summary>
public enum LeakStatus
{
    Suspected,
    Confirmed,
    Resolved,
    Exited,
    OomKilled,
}
