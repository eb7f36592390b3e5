using MemGrowth.Analytics.Leaks;

namespace MemGrowth.Analytics.ReadModel;

/// <summary>Which leaks a list shows: each filter that is set must match; newest (last seen) first, at most <see cref="Limit"/>.</summary>
/// <param name="SeenSince">Only leaks last seen at or after this time.</param>
/// <param name="Statuses">Only leaks in one of these statuses (null: any).</param>
public sealed record LeakFilter(
    string? Host = null,
    string? Service = null,
    DateTimeOffset? SeenSince = null,
    IReadOnlyList<LeakStatus>? Statuses = null,
    int Limit = LeakFilter.DefaultLimit)
{
    public const int DefaultLimit = 1000;

    public const int MaxLimit = 100_000;
}
