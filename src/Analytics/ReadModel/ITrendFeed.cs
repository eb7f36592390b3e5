namespace MemGrowth.Analytics.ReadModel;

/// <summary>
/// Where the projection hands each batch before it stores it (the service trends, see
/// <see cref="Trends.TrendFeed"/>). A failure fails the batch: the projection restarts from its stored
/// offset and hands the batch again, so the feed must take resends (the trend entities journal nothing twice).
/// </summary>
public interface ITrendFeed
{
    /// <summary>Completes once every event of <paramref name="batch"/> is safely with its service's trend.</summary>
    Task RecordAsync(IReadOnlyList<ProjectedEvent> batch, CancellationToken ct);
}
