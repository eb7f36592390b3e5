namespace MemGrowth.Analytics.Fleet;

/// <summary>
/// The sharded trend entities of a fleet, one <see cref="Trends.ServiceTrendEntity"/> per service key, hosted by
/// analytics nodes beside the leak entities (the region is declared with the node's other parts:
/// <see cref="Node.AnalyticsAkka.WithFleetAnalytics"/>). Fed by the trend projection, asked by the history API.
/// </summary>
public static class TrendSharding
{
    public const string TypeName = "trend";
}
