namespace MemGrowth.Analytics.ReadModel;

/// <summary>What a report row was: the first detection, a later update, or a detection that reopened a resolved leak.</summary>
public enum ReportKind
{
    Detected,
    Updated,
    Reopened,
}
