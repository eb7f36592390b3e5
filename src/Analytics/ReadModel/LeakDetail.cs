namespace MemGrowth.Analytics.ReadModel;

/// <summary>
/// One leak with its reports, newest first (at most the number asked for; <see cref="LeakRow.Reports"/> counts
/// them all), and the newest samples behind them, oldest first (a series to plot; each names its report).
/// </summary>
public sealed record LeakDetail(LeakRow Leak, IReadOnlyList<ReportRow> Reports, IReadOnlyList<SampleRow> Samples);
