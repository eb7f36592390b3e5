using MemGrowth.Analytics.Leaks;
using MemGrowth.Analytics.Persistence;
using MemGrowth.Analytics.ReadModel;
using MemGrowth.Shared.Messages;
using MemGrowth.Shared.Settings;
using Xunit;

namespace MemGrowth.Analytics.Tests.ReadModel;

/// <summary>The read model's queries on real databases, over rows stored as the projection stores them.</summary>
public sealed class LeakQueryTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    // web-1: api (open, seen at 40 s), web-2: api (exited at 90 s), web-2: db (resolved at 20 s).
    internal static readonly LeakId ApiOnWeb1 = new("web-1", 10, 1);
    internal static readonly LeakId ApiOnWeb2 = new("web-2", 20, 2);
    internal static readonly LeakId DbOnWeb2 = new("web-2", 30, 3);

    [Theory]
    [InlineData(JournalDatabase.Sqlite)]
    [InlineData(JournalDatabase.PostgreSql)]
    public async Task Lists_filter_by_host_service_since_status_and_limit_newest_first(JournalDatabase kind)
    {
        using var database = new TestDatabase(kind, isolated: true);
        using var cts = new CancellationTokenSource(Timeout);
        var query = await SeedAsync(database, cts.Token);

        Assert.Equal([ApiOnWeb2, ApiOnWeb1, DbOnWeb2], await Ids(new LeakFilter()));
        Assert.Equal([ApiOnWeb2, DbOnWeb2], await Ids(new LeakFilter(Host: "web-2")));
        Assert.Equal([ApiOnWeb2, ApiOnWeb1], await Ids(new LeakFilter(Service: "api.service")));
        Assert.Equal([ApiOnWeb2, ApiOnWeb1], await Ids(new LeakFilter(SeenSince: Detections.T0.AddSeconds(40))));
        Assert.Equal([ApiOnWeb1], await Ids(new LeakFilter(Statuses: [LeakStatus.Suspected, LeakStatus.Confirmed])));
        Assert.Equal([DbOnWeb2], await Ids(new LeakFilter(Host: "web-2", Statuses: [LeakStatus.Resolved])));
        Assert.Equal([ApiOnWeb2], await Ids(new LeakFilter(Limit: 1)));
        Assert.Empty(await Ids(new LeakFilter(Host: "web-9")));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => query.ListAsync(new LeakFilter(Limit: 0), cts.Token));

        async Task<List<LeakId>> Ids(LeakFilter filter) => [.. (await query.ListAsync(filter, cts.Token)).Select(r => r.Leak)];
    }

    [Theory]
    [InlineData(JournalDatabase.Sqlite)]
    [InlineData(JournalDatabase.PostgreSql)]
    public async Task One_leak_comes_with_its_reports_and_services_add_up(JournalDatabase kind)
    {
        using var database = new TestDatabase(kind, isolated: true);
        using var cts = new CancellationTokenSource(Timeout);
        var query = await SeedAsync(database, cts.Token);

        var leak = await query.GetAsync(ApiOnWeb1, LeakQuery.DefaultReports, cts.Token);
        var newest = await query.GetAsync(ApiOnWeb1, 1, cts.Token);
        var services = await query.ServiceTrendsAsync(null, cts.Token);

        Assert.NotNull(leak);
        Assert.Equal("/usr/bin/api", leak.Leak.Cmdline);
        Assert.Equal(1L << 30, leak.Leak.Latest.MemoryLimitBytes);
        Assert.Equal([Detections.T0.AddSeconds(40), Detections.T0.AddSeconds(10)], leak.Reports.Select(r => r.Time));
        Assert.Equal(Detections.T0.AddSeconds(40), Assert.Single(newest!.Reports).Time);
        Assert.Null(await query.GetAsync(new LeakId("web-9", 1, 1), 10, cts.Token));
        Assert.Empty(leak.Samples);

        // Samples are asked for: the newest, oldest first, each with its report's number.
        var sampled = await query.GetAsync(ApiOnWeb1, 1, 5, cts.Token);
        Assert.Equal(Detections.Samples(36, 40), sampled!.Samples.Select(s => new MemorySample(s.Time, s.RssBytes, s.AnonBytes, s.FileBytes, s.SwapBytes)));
        Assert.All(sampled.Samples, s => Assert.Equal(sampled.Reports[0].SequenceNr, s.SequenceNr));
        Assert.Equal(37, (await query.GetAsync(ApiOnWeb1, 0, 1000, cts.Token))!.Samples.Count);
        Assert.Equal(0, database.Scalar(kind == JournalDatabase.Sqlite // samples are read from the journal, not copied
            ? "SELECT COUNT(*) FROM sqlite_master WHERE name = 'leak_sample_sets'"
            : "SELECT COUNT(*) FROM information_schema.tables WHERE table_name = 'leak_sample_sets' AND table_schema = current_schema()"));

        Assert.Equal(["api.service", "db.service"], services.Select(s => s.Service));
        var api = services[0];
        Assert.Equal((1, 1, 2, 2), (api.OpenLeaks, api.HostsNow, api.HostsEver, api.Processes));
        Assert.Equal(ApiOnWeb1, api.SoonestToLimit?.Leak);
        Assert.Equal(Detections.T0.AddSeconds(90), api.LastSeen);
    }

    // SQLite plans without statistics: each equality filter looks as selective as the next, and a status
    // index walk covers every leak of that status fleet-wide. A service or host must lead the plan.
    [Theory]
    [InlineData("api.service", null, "leak_rows_service_last_seen")]
    [InlineData(null, "web-2", "leak_rows_host_last_seen")]
    [InlineData(null, null, "leak_rows_status_last_seen")]
    public async Task Sqlite_lists_by_status_use_the_service_or_host_index_when_given(string? service, string? host, string index)
    {
        using var database = new TestDatabase(JournalDatabase.Sqlite);
        using var cts = new CancellationTokenSource(Timeout);
        var query = await SeedAsync(database, cts.Token);
        var store = new ReadModelStore(database.Kind, database.ConnectionString);
        await using var connection = await store.OpenAsync(cts.Token);
        var filter = new LeakFilter(Host: host, Service: service, SeenSince: Detections.T0, Statuses: [LeakStatus.Resolved]);
        await using var command = query.ListCommand(connection, filter);
        command.CommandText = "EXPLAIN QUERY PLAN " + command.CommandText;
        var plan = new List<string>();
        await using (var reader = await command.ExecuteReaderAsync(cts.Token))
        {
            while (await reader.ReadAsync(cts.Token))
            {
                plan.Add(reader.GetString(3));
            }
        }

        Assert.Contains(plan, step => step.Contains("USING INDEX " + index, StringComparison.Ordinal));
    }

    /// <summary>The three leaks, journaled as the entity would and stored as the projection does.</summary>
    internal static async Task<LeakQuery> SeedAsync(TestDatabase database, CancellationToken ct)
    {
        var store = new ReadModelStore(database.Kind, database.ConnectionString);
        await store.InitializeAsync(ct);
        var batch = SeedBatch();
        await JournalSeed.WriteAsync(database, batch);
        Assert.Equal(batch.Count, await store.ApplyAsync(ReadModelStore.LeakProjection, batch, ct));
        Assert.Equal(0, await store.ApplyAsync(ReadModelStore.LeakProjection, batch, ct)); // a redelivered batch
        return new LeakQuery(store);
    }

    /// <summary>The three leaks' events, journaled as the entity would, as the projection reads them.</summary>
    internal static List<ProjectedEvent> SeedBatch()
    {
        var ordering = 0L;
        var batch = new List<ProjectedEvent>();
        void Journal(LeakId leak, params Detection[] detections) =>
            batch.AddRange(LeakRowTests.Journal(detections).Select(p => new ProjectedEvent(LeakEntity.PersistenceIdOf(leak), p.Seq, ++ordering, p.Event)));

        Journal(
            ApiOnWeb1,
            Detections.Of(ApiOnWeb1, DetectionKind.GrowthDetected, 10, 0.7) with { Samples = Detections.Samples(4, 10) },
            Detections.Of(ApiOnWeb1, DetectionKind.GrowthUpdated, 40, 0.8, 1L << 30, 600) with { Samples = Detections.Samples(11, 40) });
        Journal(ApiOnWeb2, Detections.Of(ApiOnWeb2, DetectionKind.GrowthDetected, 0, 0.7), Detections.Of(ApiOnWeb2, DetectionKind.ProcessExited, 90, 0.7));
        Journal(DbOnWeb2, Detections.InCgroup(Detections.Of(DbOnWeb2, DetectionKind.GrowthDetected, 5, 0.7), "/system.slice/db.service"), Detections.Of(DbOnWeb2, DetectionKind.GrowthResolved, 20, 0));
        return batch;
    }
}
