namespace MemGrowth.Analytics.ReadModel;

/// <summary>One leak with its reports, newest first (at most the number asked for; <see cref="LeakRow.Reports"/> counts them all).</summary>
public sealed record LeakDetail(LeakRow Leak, IReadOnlyList<ReportRow> Reports);
