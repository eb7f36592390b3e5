using System.Collections.Immutable;

namespace MemGrowth.Analytics.Trends;

/// <summary>
/// What a trend still counts of the leaks it no longer holds one by one (closed, and quiet longer than the
/// history's retention, see <see cref="ServiceTrend.Retain"/>): for its "ever" figures. Bounded by the fleet's
/// hosts, not by its leaks.
/// </summary>
/// <param name="Processes">Leaks dropped (one leak is one process).</param>
/// <param name="OomKills">Of them, those the OOM killer took.</param>
/// <param name="Hosts">The hosts they were on.</param>
public sealed record DroppedLeaks(int Processes, int OomKills, ImmutableSortedSet<string> Hosts)
{
    public static readonly DroppedLeaks None = new(0, 0, ImmutableSortedSet.Create<string>(StringComparer.Ordinal));

    public DroppedLeaks Add(TrendLeak leak)
    {
        ArgumentNullException.ThrowIfNull(leak);
        return new DroppedLeaks(Processes + 1, OomKills + (leak.OomKilled ? 1 : 0), Hosts.Add(leak.Leak.Host));
    }

    // Equal by content: a trend recovered from a snapshot equals the one that saved it.
    public bool Equals(DroppedLeaks? other) =>
        other is not null && Processes == other.Processes && OomKills == other.OomKills && Hosts.SetEquals(other.Hosts);

    public override int GetHashCode() => HashCode.Combine(Processes, OomKills, Hosts.Count);
}
