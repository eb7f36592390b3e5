using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using MemGrowth.Analytics.Api;
using MemGrowth.Analytics.Persistence;
using MemGrowth.Analytics.ReadModel;
using MemGrowth.Analytics.Tests.ReadModel;
using MemGrowth.Shared.Settings;
using Xunit;

namespace MemGrowth.Analytics.Tests.Api;

/// <summary>The history API on its real HTTP server (127.0.0.1, a port the system picks) over a real read model.</summary>
public sealed class HistoryApiTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [Theory]
    [InlineData(JournalDatabase.Sqlite)]
    [InlineData(JournalDatabase.PostgreSql)]
    public async Task Leaks_are_listed_filtered_and_fetched_one_by_id_with_their_reports(JournalDatabase kind)
    {
        using var database = new TestDatabase(kind, isolated: true);
        using var cts = new CancellationTokenSource(Timeout);
        await LeakQueryTests.SeedAsync(database, cts.Token);
        await using var api = await HistoryApi.StartAsync(new ReadModelStore(kind, database.ConnectionString), "127.0.0.1", 0, cts.Token);
        using var http = new HttpClient { BaseAddress = api.Address };

        var all = await GetJson(http, "/api/leaks?since=100000d");
        var resolved = await GetJson(http, "/api/leaks?host=web-2&status=resolved&limit=5");
        var api1 = await GetJson(http, "/api/leaks?service=api.service&limit=1");
        var one = await GetJson(http, "/api/leaks/" + Uri.EscapeDataString(LeakQueryTests.ApiOnWeb1.ToString()));
        var unescaped = await GetJson(http, "/api/leaks/" + LeakQueryTests.ApiOnWeb1 + "?reports=1");
        var newest = await GetJson(http, "/api/leaks/" + LeakQueryTests.ApiOnWeb1 + "?samples=3");

        Assert.Equal(3, all.GetArrayLength());
        var leak = Assert.Single(resolved.EnumerateArray());
        Assert.Equal(LeakQueryTests.DbOnWeb2.ToString(), leak.GetProperty("id").GetString());
        Assert.Equal("resolved", leak.GetProperty("status").GetString());
        Assert.Equal("db.service", leak.GetProperty("service").GetString());
        Assert.Equal(1 << 20, leak.GetProperty("growth_bytes_per_sec").GetDouble());
        Assert.Equal(LeakQueryTests.ApiOnWeb2.ToString(), Assert.Single(api1.EnumerateArray()).GetProperty("id").GetString());

        Assert.Equal(LeakQueryTests.ApiOnWeb1.ToString(), one.GetProperty("leak").GetProperty("id").GetString());
        Assert.Equal(["updated", "detected"], one.GetProperty("reports").EnumerateArray().Select(r => r.GetProperty("kind").GetString()));
        Assert.Equal(600, one.GetProperty("reports")[0].GetProperty("seconds_to_limit").GetDouble());
        Assert.Equal(1, unescaped.GetProperty("reports").GetArrayLength());

        // The samples behind the reports, oldest first; each names its report, and none is newer than it.
        var samples = one.GetProperty("samples").EnumerateArray().ToList();
        var reports = one.GetProperty("reports").EnumerateArray().ToDictionary(r => r.GetProperty("sequence_nr").GetInt64(), r => r.GetProperty("time").GetDateTimeOffset());
        Assert.Equal(37, samples.Count);
        Assert.Equal(Detections.T0.AddSeconds(4), samples[0].GetProperty("time").GetDateTimeOffset());
        Assert.Equal((100L + 4) << 20, samples[0].GetProperty("rss_bytes").GetInt64());
        Assert.Equal((90L + 4) << 20, samples[0].GetProperty("anon_bytes").GetInt64());
        Assert.All(samples, s => Assert.True(s.GetProperty("time").GetDateTimeOffset() <= reports[s.GetProperty("sequence_nr").GetInt64()]));
        Assert.Equal([7, 30], samples.GroupBy(s => s.GetProperty("sequence_nr").GetInt64()).Select(g => g.Count()));
        Assert.Equal([38L, 39, 40], newest.GetProperty("samples").EnumerateArray().Select(s => s.GetProperty("swap_bytes").GetInt64()));
    }

    [Fact]
    public async Task Services_are_summarised_and_bad_requests_say_what_is_wrong()
    {
        using var database = new TestDatabase(JournalDatabase.Sqlite);
        using var cts = new CancellationTokenSource(Timeout);
        await LeakQueryTests.SeedAsync(database, cts.Token);
        await using var api = await HistoryApi.StartAsync(new ReadModelStore(database.Kind, database.ConnectionString), "127.0.0.1", 0, cts.Token);
        using var http = new HttpClient { BaseAddress = api.Address };

        var services = await GetJson(http, "/api/services");
        Assert.Equal(["api.service", "db.service"], services.EnumerateArray().Select(s => s.GetProperty("service").GetString()));
        Assert.Equal(2, services[0].GetProperty("hosts_ever").GetInt32());
        Assert.Equal(LeakQueryTests.ApiOnWeb1.ToString(), services[0].GetProperty("soonest_to_limit").GetString());

        await AssertError(http, "/api/leaks?since=yesterday", HttpStatusCode.BadRequest, "since 'yesterday'");
        await AssertError(http, "/api/leaks?since=99999999d", HttpStatusCode.BadRequest, "since '99999999d' is too long: at most 10675199d");
        await AssertError(http, "/api/leaks?since=1000000d", HttpStatusCode.BadRequest, "since '1000000d' reaches back before year 1");
        await AssertError(http, "/api/leaks?since=99999999999999999999s", HttpStatusCode.BadRequest, "is not a span");
        await AssertError(http, "/api/leaks?limit=99999999999", HttpStatusCode.BadRequest, "limit '99999999999'");
        await AssertError(http, "/api/top?limit=-1", HttpStatusCode.BadRequest, "limit '-1'");
        await AssertError(http, "/api/services/api.service?days=99999999999", HttpStatusCode.BadRequest, "days is 1 to");
        await AssertError(http, "/api/leaks?status=leaking", HttpStatusCode.BadRequest, "status 'leaking'");
        await AssertError(http, "/api/leaks?limit=0", HttpStatusCode.BadRequest, "limit '0'");
        await AssertError(http, "/api/leaks/not-a-leak", HttpStatusCode.BadRequest, "not a leak id");
        await AssertError(http, "/api/leaks/" + Uri.EscapeDataString(LeakQueryTests.ApiOnWeb1.ToString()) + "?samples=-1", HttpStatusCode.BadRequest, "samples is 0 to");
        await AssertError(http, "/api/leaks/" + Uri.EscapeDataString("web-9/1/1"), HttpStatusCode.NotFound, "no leak web-9/1/1");
    }

    [Fact]
    public async Task Paths_match_as_ASP_NET_Core_routing_did_and_anything_else_is_refused_with_a_json_error()
    {
        using var database = new TestDatabase(JournalDatabase.Sqlite);
        using var cts = new CancellationTokenSource(Timeout);
        await LeakQueryTests.SeedAsync(database, cts.Token);
        await using var api = await HistoryApi.StartAsync(new ReadModelStore(database.Kind, database.ConnectionString), "127.0.0.1", 0, cts.Token);
        using var http = new HttpClient { BaseAddress = api.Address };

        Assert.Equal(3, (await GetJson(http, "/API/Leaks/?since=100000d")).GetArrayLength());
        Assert.Equal(2, (await GetJson(http, "/api/services/")).GetArrayLength());
        await AssertError(http, "/api/nothing", HttpStatusCode.NotFound, "no such resource /api/nothing");
        await AssertError(http, "/api/services/a/b", HttpStatusCode.NotFound, "no such resource");
        await AssertError(http, "/api/leaks/" + LeakQueryTests.ApiOnWeb1 + "?reports=many", HttpStatusCode.BadRequest, "reports is 0 to");
        using var post = await http.PostAsync(new Uri("/api/leaks", UriKind.Relative), new StringContent("{}"));
        Assert.Equal(HttpStatusCode.MethodNotAllowed, post.StatusCode);
        Assert.Contains("GET", JsonDocument.Parse(await post.Content.ReadAsStringAsync()).RootElement.GetProperty("error").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_port_in_use_is_refused_with_the_address_and_port()
    {
        using var database = new TestDatabase(JournalDatabase.Sqlite);
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var port = ((IPEndPoint)taken.LocalEndpoint).Port;

        var e = await Assert.ThrowsAsync<HistoryApiException>(() =>
            HistoryApi.StartAsync(new ReadModelStore(database.Kind, database.ConnectionString), "127.0.0.1", port, CancellationToken.None));

        Assert.Contains($"127.0.0.1:{port}", e.Message, StringComparison.Ordinal);
        Assert.Contains("in use", e.Message, StringComparison.Ordinal);
    }

    private static async Task<JsonElement> GetJson(HttpClient http, string path)
    {
        using var response = await http.GetAsync(new Uri(path, UriKind.Relative));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"GET {path}: {(int)response.StatusCode} {body}");
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    private static async Task AssertError(HttpClient http, string path, HttpStatusCode status, string says)
    {
        using var response = await http.GetAsync(new Uri(path, UriKind.Relative));
        var body = await response.Content.ReadAsStringAsync();
        Assert.Equal(status, response.StatusCode);
        Assert.Contains(says, JsonDocument.Parse(body).RootElement.GetProperty("error").GetString(), StringComparison.Ordinal);
    }
}
