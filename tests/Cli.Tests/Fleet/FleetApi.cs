using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace MemGrowth.Cli.Tests.Fleet;

/// <summary>What the fleet tests read from an analytics node's history API over real HTTP.</summary>
internal static class FleetApi
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(10) };
    private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    /// <summary>The fields a test compares: identity, status, and how many reports are behind it.</summary>
    public sealed record Leak(string Id, string Status, int Reports, DateTimeOffset LastReport, double GrowthBytesPerSec)
    {
        [JsonExtensionData]
        public Dictionary<string, JsonElement>? Rest { get; init; }

        public bool Equals(Leak? other) => other is not null && Id == other.Id && Status == other.Status && Reports == other.Reports
            && LastReport == other.LastReport && GrowthBytesPerSec.Equals(other.GrowthBytesPerSec);

        public override int GetHashCode() => HashCode.Combine(Id, Status, Reports, LastReport);
    }

    public static async Task<IReadOnlyList<Leak>> LeaksAsync(Uri api, string host) =>
        await Http.GetFromJsonAsync<List<Leak>>(new Uri(api, $"/api/leaks?host={Uri.EscapeDataString(host)}&limit=1000"), Json)
        ?? throw new InvalidOperationException("the API answered null");

    /// <summary>
    /// Polls until the read model (fed asynchronously from the journal) shows what is expected. It fails when
    /// the read model stops moving: nothing changed in <paramref name="stall"/> (the leaks, their reports),
    /// not after a fixed time, since on a loaded machine a projection that keeps going may take minutes; a
    /// projection that never starts or stops part-way still fails, with <paramref name="nodes"/>' logs.
    /// </summary>
    public static async Task<IReadOnlyList<Leak>> WaitForLeaksAsync(
        Uri api, string host, Func<IReadOnlyList<Leak>, bool> done, TimeSpan stall, params FleetProcess[] nodes)
    {
        IReadOnlyList<Leak> last = [];
        (int Leaks, int Reports) seen = (-1, -1);
        var moved = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            last = await LeaksAsync(api, host);
            if (done(last))
            {
                return last;
            }

            var now = (last.Count, last.Sum(l => l.Reports));
            if (now != seen)
            {
                seen = now;
                moved.Restart();
            }
            else if (moved.Elapsed >= stall)
            {
                throw new TimeoutException(
                    $"the read model at {api} shows {last.Count} leaks of {host} with {last.Sum(l => l.Reports)} reports, unchanged for {stall.TotalSeconds} s"
                    + string.Concat(nodes.Select(n => $"\n--- {n.Name}:\n{n.Tail()}")));
            }

            await Task.Delay(250);
        }
    }

    /// <summary>
    /// Polls /api/services/{service} until its trend entity answers (not the read model standing in, as while
    /// its shard is being allocated), and returns the trend.
    /// </summary>
    public static async Task<JsonElement> WaitForTrendAsync(Uri api, string service, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        var last = "nothing";
        while (true)
        {
            using (var response = await Http.GetAsync(new Uri(api, "/api/services/" + Uri.EscapeDataString(service))))
            {
                last = await response.Content.ReadAsStringAsync();
                if (response.IsSuccessStatusCode)
                {
                    var trend = JsonDocument.Parse(last).RootElement.GetProperty("trend").Clone();
                    if (trend.GetProperty("source").GetString() == "entity")
                    {
                        return trend;
                    }
                }
            }

            try
            {
                await Task.Delay(250, cts.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"the trend of {service} at {api} did not answer from its entity within {timeout.TotalSeconds} s; last: {last}");
            }
        }
    }
}
