using System.Net;
using System.Text.Json;
using Akka.Actor;
using Akka.Configuration;
using MemGrowth.Analytics.Api;
using MemGrowth.Analytics.Leaks;
using MemGrowth.Analytics.Persistence;
using MemGrowth.Analytics.ReadModel;
using MemGrowth.Analytics.Tests.ReadModel;
using MemGrowth.Analytics.Trends;
using MemGrowth.Shared.Messages;
using MemGrowth.Shared.Settings;
using Xunit;

namespace MemGrowth.Analytics.Tests.Api;

/// <summary>
/// The trend endpoints on the API's real HTTP server over a real read model and real trend entities, fed as the
/// trend projection feeds them: /api/services from the entities alone (503 when one does not answer, never the
/// read model's figures), /api/services/{service} with its days, and /api/top by time to limit re-based to now.
/// </summary>
public sealed class TrendApiTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    // Open leaks reported moments ago, so their time to limit is still running: 1000 s said 100 s ago, 3600 s said 10 s ago.
    private static readonly LeakId CacheOnWeb3 = new("web-3", 5, 5);
    private static readonly LeakId ApiAgainOnWeb1 = new("web-1", 6, 6);

    [Theory]
    [InlineData(JournalDatabase.Sqlite)]
    [InlineData(JournalDatabase.PostgreSql)]
    public async Task Services_come_from_their_trend_entities_with_their_days_and_the_top_list_is_by_time_to_limit_now(JournalDatabase kind)
    {
        using var database = new TestDatabase(kind, isolated: true);
        using var cts = new CancellationTokenSource(Timeout);
        using var system = ActorSystem.Create("trend-api", ConfigurationFactory.ParseString(MessageSerializer.Config).WithFallback(database.Journal));
        var store = new ReadModelStore(kind, database.ConnectionString);
        await store.InitializeAsync(cts.Token);
        var now = DateTimeOffset.UtcNow;
        var trends = system.ActorOf(TrendRegion.Props());
        await FeedAsync(store, trends, Batch(now), cts.Token);
        await using var api = await HistoryApi.StartAsync(store, new TrendQuery(trends), "127.0.0.1", 0, cts.Token);
        using var http = new HttpClient { BaseAddress = api.Address };

        var services = await GetJson(http, "/api/services");
        var detail = await GetJson(http, "/api/services/api.service?days=7");
        var top = await GetJson(http, "/api/top?limit=2");

        Assert.Equal(["api.service", "cache.service", "db.service"], services.EnumerateArray().Select(s => s.GetProperty("service").GetString()));
        var apiService = services[0];
        Assert.Equal("entity", apiService.GetProperty("source").GetString());
        Assert.Equal((2, 1, 2, 2, 3), (Int(apiService, "open_leaks"), Int(apiService, "hosts_now"), Int(apiService, "hosts_ever"), Int(apiService, "processes_now"), Int(apiService, "processes")));
        Assert.Equal(1 << 20, apiService.GetProperty("rate_p50").GetDouble());
        Assert.Equal(1 << 20, apiService.GetProperty("rate_max").GetDouble());
        // api.service's other two leaks opened at T0, which may fall in the day before now, depending on the date the test runs.
        var openedDayBefore = new[] { Detections.T0, Detections.T0.AddSeconds(10) }.Count(t => t > now.AddDays(-2) && t <= now.AddDays(-1));
        Assert.Equal(1, Int(apiService, "opened_last_day"));
        Assert.Equal(openedDayBefore, Int(apiService, "opened_day_before"));
        Assert.Equal(1 > openedDayBefore, apiService.GetProperty("rising").GetBoolean());
        Assert.Equal(LeakQueryTests.ApiOnWeb1.ToString(), apiService.GetProperty("soonest_to_limit").GetString());
        Assert.Equal(Detections.T0.AddSeconds(0), apiService.GetProperty("first_seen").GetDateTimeOffset());

        Assert.Equal("api.service", detail.GetProperty("trend").GetProperty("service").GetString());
        var days = detail.GetProperty("days");
        Assert.Equal(7, days.GetArrayLength());
        Assert.Equal(DateOnly.FromDateTime(now.UtcDateTime).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), days[6].GetProperty("day").GetString());
        Assert.Equal((1, 1, 1), (Int(days[6], "hosts"), Int(days[6], "processes"), Int(days[6], "opened")));
        var open = detail.GetProperty("open_leaks");
        Assert.Equal([LeakQueryTests.ApiOnWeb1.ToString(), ApiAgainOnWeb1.ToString()], open.EnumerateArray().Select(l => l.GetProperty("id").GetString()));
        Assert.Equal(0, open[0].GetProperty("seconds_to_limit").GetDouble()); // said 600 s, days ago
        Assert.InRange(open[1].GetProperty("seconds_to_limit").GetDouble(), 3500, 3590);

        Assert.Equal([LeakQueryTests.ApiOnWeb1.ToString(), CacheOnWeb3.ToString()], top.EnumerateArray().Select(l => l.GetProperty("id").GetString()));
        Assert.Equal(0, top[0].GetProperty("seconds_to_limit").GetDouble());
        Assert.Equal(600, top[0].GetProperty("reported_seconds_to_limit").GetDouble());
        Assert.Equal(Detections.T0.AddSeconds(640), top[0].GetProperty("limit_at").GetDateTimeOffset());
        Assert.InRange(top[1].GetProperty("seconds_to_limit").GetDouble(), 800, 900);
        Assert.Equal("cache.service", top[1].GetProperty("service").GetString());

        await AssertError(http, "/api/services/nothing.service", HttpStatusCode.NotFound, "no leak of service nothing.service");
        await AssertError(http, "/api/services/api.service?days=0", HttpStatusCode.BadRequest, "days is 1 to");
        await AssertError(http, "/api/top?limit=0", HttpStatusCode.BadRequest, "limit '0'");
        await system.Terminate();
    }

    [Fact]
    public async Task A_trend_that_does_not_answer_is_said_and_one_not_fed_yet_is_left_out_never_made_up_from_the_read_model()
    {
        using var database = new TestDatabase(JournalDatabase.Sqlite);
        using var cts = new CancellationTokenSource(Timeout);
        using var system = ActorSystem.Create("trend-api", ConfigurationFactory.ParseString(MessageSerializer.Config).WithFallback(database.Journal));
        await LeakQueryTests.SeedAsync(database, cts.Token);
        var silent = system.ActorOf(Props.Create(() => new Silent()));
        await using var api = await HistoryApi.StartAsync(new ReadModelStore(database.Kind, database.ConnectionString), new TrendQuery(silent, TimeSpan.FromMilliseconds(200)), "127.0.0.1", 0, cts.Token);
        using var http = new HttpClient { BaseAddress = api.Address };

        await AssertError(http, "/api/services", HttpStatusCode.ServiceUnavailable, "did not answer in time");
        await AssertError(http, "/api/services/db.service", HttpStatusCode.ServiceUnavailable, "the trend of service db.service did not answer in time");

        // Trend entities that answer but that their projection has not fed these leaks yet: the read model has
        // rows of both services, the trends none, and the API answers from the trends alone.
        await using var unfedApi = await HistoryApi.StartAsync(new ReadModelStore(database.Kind, database.ConnectionString),
            new TrendQuery(system.ActorOf(TrendRegion.Props())), "127.0.0.1", 0, cts.Token);
        using var unfedHttp = new HttpClient { BaseAddress = unfedApi.Address };
        var unfed = await GetJson(unfedHttp, "/api/services");
        Assert.Equal(0, unfed.GetArrayLength());
        await AssertError(unfedHttp, "/api/services/db.service", HttpStatusCode.NotFound, "no leak of service db.service");
        await system.Terminate();
    }

    [Fact]
    public async Task A_services_series_spans_at_most_the_retentions_days()
    {
        using var database = new TestDatabase(JournalDatabase.Sqlite);
        using var cts = new CancellationTokenSource(Timeout);
        await LeakQueryTests.SeedAsync(database, cts.Token);
        await using var api = await HistoryApi.StartAsync(new ReadModelStore(database.Kind, database.ConnectionString), null, "127.0.0.1", 0, TimeSpan.FromDays(10), cts.Token);
        using var http = new HttpClient { BaseAddress = api.Address };

        var byDefault = await GetJson(http, "/api/services/db.service");
        var most = await GetJson(http, "/api/services/db.service?days=10");

        Assert.Equal(10, byDefault.GetProperty("days").GetArrayLength()); // 30 unless the retention is shorter
        Assert.Equal(10, most.GetProperty("days").GetArrayLength());
        await AssertError(http, "/api/services/db.service?days=11", HttpStatusCode.BadRequest, "days is 1 to 10 (the history keeps a closed leak 10 days)");
    }

    private static List<ProjectedEvent> Batch(DateTimeOffset now)
    {
        var batch = LeakQueryTests.SeedBatch();
        var ordering = batch.Count;
        var cache = Detections.Of(CacheOnWeb3, DetectionKind.GrowthDetected, 0, 0.7, 1L << 30, 1000) with { Time = now.AddSeconds(-100) };
        cache = cache with { Process = cache.Process with { Cgroup = "/system.slice/cache.service" } };
        var api = Detections.Of(ApiAgainOnWeb1, DetectionKind.GrowthDetected, 0, 0.7, 1L << 30, 3600) with { Time = now.AddSeconds(-10) };
        foreach (var (leak, detection) in new[] { (CacheOnWeb3, cache), (ApiAgainOnWeb1, api) })
        {
            batch.AddRange(LeakRowTests.Journal(detection).Select(p => new ProjectedEvent(LeakEntity.PersistenceIdOf(leak), p.Seq, ++ordering, p.Event)));
        }

        return batch;
    }

    /// <summary>As the two projections do, each on its own: the trends, and the read model.</summary>
    private static async Task FeedAsync(ReadModelStore store, IActorRef trends, List<ProjectedEvent> batch, CancellationToken ct)
    {
        await new TrendFeed(trends, store).RecordAsync(batch, ct);
        await store.ApplyAsync(ReadModelStore.LeakProjection, batch, ct);
    }

    private static int Int(JsonElement e, string name) => e.GetProperty(name).GetInt32();

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

    /// <summary>Trend entities that never answer (a node away, a shard moving).</summary>
    private sealed class Silent : ReceiveActor
    {
        public Silent() => ReceiveAny(_ => { });
    }
}
