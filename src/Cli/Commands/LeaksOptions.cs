using MemGrowth.Analytics.Leaks;
using MemGrowth.Analytics.ReadModel;

namespace MemGrowth.Cli.Commands;

/// <summary>What <c>memgrowth leaks</c> is told, checked (by <see cref="LeaksCommand"/>).</summary>
/// <param name="Since">Only leaks last seen (reported, resolved or ended) within this long before now.</param>
/// <param name="HistoryRetention">The configured retention, which bringing the history up to date applies as the node would.</param>
internal sealed record LeaksOptions(string DataDir, string? Host, string? Service, TimeSpan? Since, LeakStatus[]? Statuses, bool Json, TimeSpan HistoryRetention)
{
    /// <summary>The read-model filter these options stand for at <paramref name="now"/>: every leak that matches, however many.</summary>
    public LeakFilter ToFilter(DateTimeOffset now) =>
        new(Host, Service, Since is { } since ? (since < now - DateTimeOffset.MinValue ? now - since : DateTimeOffset.MinValue) : null, Statuses, LeakFilter.MaxLimit);
}
