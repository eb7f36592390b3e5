namespace MemGrowth.Analytics.Trends;

/// <summary>One UTC day of a service's trend (see <see cref="ServiceTrend.Days"/>).</summary>
/// <param name="Hosts">Hosts with a leak of the service seen that day.</param>
/// <param name="Processes">Leaking processes of the service seen that day.</param>
/// <param name="Opened">Leaks opened that day.</param>
/// <param name="OomKills">Leaking processes the OOM killer took that day.</param>
public sealed record TrendDay(DateOnly Day, int Hosts, int Processes, int Opened, int OomKills);
