using MemGrowth.Analytics.ReadModel;

namespace MemGrowth.Analytics.Trends;

/// <summary>
/// Where the <see cref="TrendProjection"/> hands each batch of leak events before it stores its offset (the
/// service trends, see <see cref="TrendFeed"/>). A failure fails the batch: the projection restarts from its
/// stored offset and hands the batch again, so the feed must take resends (the trend entities journal nothing twice).
/// </summary>
public interface ITrendFeed
{
    /// <summary>Completes once every event of <paramref name="batch"/> is safely with its service's trend.</summary>
    Task RecordAsync(IReadOnlyList<ProjectedEvent> batch, CancellationToken ct);
}
