using MemGrowth.Analytics.ReadModel;

namespace MemGrowth.Tools.Bench;

/// <summary>One request of the benchmark: its shape (which filters it sets) and its path with query string.</summary>
internal sealed record QueryRequest(string Shape, string PathAndQuery);

/// <summary>
/// The requests `memgrowth bench query` times, as an operator's dashboard would send them: a random service
/// and a random window (1h, 24h or 7d) every time; one in five also names a host that service runs on,
/// one in five a status. Seeded, so two runs send the same requests.
/// </summary>
internal static class QueryMix
{
    public const string ServiceSince = "service+since";
    public const string WithHost = "service+since+host";
    public const string WithStatus = "service+since+status";

    private static readonly string[] Windows = ["1h", "24h", "7d"];
    private static readonly string[] Statuses = ["open", "resolved", "exited", "oom"];

    public static IReadOnlyList<QueryRequest> Generate(IReadOnlyList<LeakRow> leaks, int count, int seed)
    {
        ArgumentNullException.ThrowIfNull(leaks);
        var random = new Random(seed);
        var byService = leaks.GroupBy(l => l.Service, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => g.ToArray()).ToArray();
        var requests = new QueryRequest[count];
        for (var i = 0; i < count; i++)
        {
            var service = byService[random.Next(byService.Length)];
            var query = $"/api/leaks?service={Uri.EscapeDataString(service[0].Service)}&since={Windows[random.Next(Windows.Length)]}";
            requests[i] = random.Next(5) switch
            {
                0 => new QueryRequest(WithHost, $"{query}&host={Uri.EscapeDataString(service[random.Next(service.Length)].Leak.Host)}"),
                1 => new QueryRequest(WithStatus, $"{query}&status={Statuses[random.Next(Statuses.Length)]}"),
                _ => new QueryRequest(ServiceSince, query),
            };
        }

        return requests;
    }
}
