namespace MemGrowth.Shared.Settings;

/// <summary>
/// How long the history keeps a leak in detail once it has closed (resolved or ended): its trend's leak entry,
/// its reports and samples in the read model, its journal. An open leak is kept however old.
/// </summary>
public static class HistoryRetention
{
    /// <summary>
    /// 90 days: a quarter's incidents stay reviewable sample by sample, and a leak that comes back within a
    /// quarter still meets its history; the samples, which are most of the history's bytes, stop growing
    /// after that.
    /// </summary>
    public static readonly TimeSpan Default = TimeSpan.FromDays(90);

    /// <summary>Less than a day would drop yesterday's leaks from "opened the day before" (see <see cref="Trends.ServiceTrend.IsRising"/>).</summary>
    public static readonly TimeSpan Minimum = TimeSpan.FromDays(2);

    /// <summary>The retention, checked.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Shorter than <see cref="Minimum"/>.</exception>
    public static TimeSpan Check(TimeSpan retention) =>
        retention >= Minimum
            ? retention
            : throw new ArgumentOutOfRangeException(nameof(retention), retention, $"the history's retention is at least {Minimum.TotalDays:0} days (it keeps the last two days' openings for the trends)");

    /// <summary>
    /// The most days a service's series may span (GET /api/services/{service}?days=): <paramref name="most"/>,
    /// or the retention's whole days when shorter, since a leak closed longer ago is no longer in its trend.
    /// </summary>
    public static int MaxDays(TimeSpan retention, int most) => (int)Math.Min(most, Math.Floor(retention.TotalDays));
}
