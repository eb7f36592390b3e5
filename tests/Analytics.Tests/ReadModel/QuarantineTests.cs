using System.Text;
using MemGrowth.Analytics.Leaks;
using MemGrowth.Analytics.Persistence;
using MemGrowth.Analytics.ReadModel;
using MemGrowth.Shared.Messages;
using MemGrowth.Shared.Settings;
using Xunit;

namespace MemGrowth.Analytics.Tests.ReadModel;

/// <summary>
/// Bad events in the journal (a row of the wrong shape, events of no real process as older builds journaled
/// them) between good ones, on real journals: the projection quarantines them by position, moves its offset
/// past them, and projects every good leak, before and after them.
/// </summary>
public sealed class QuarantineTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    private readonly LeakId _before = new("web-1", 4242, 599433);
    private readonly LeakId _after = new("web-2", 77, 1234);
    private readonly LeakId _later = new("web-3", 5, 99);

    [Theory]
    [InlineData(JournalDatabase.Sqlite)]
    [InlineData(JournalDatabase.PostgreSql)]
    public async Task Bad_events_are_quarantined_by_position_and_every_good_leak_is_projected(JournalDatabase kind)
    {
        using var database = new TestDatabase(kind, isolated: true);
        using var cts = new CancellationTokenSource(Timeout);
        var store = new ReadModelStore(kind, database.ConnectionString);
        using var system = LeakProjectionTests.Start(database);
        await LeakProjectionTests.Tell(system.ActorOf(LeakEntity.Props(_before)), Detections.Of(_before, DetectionKind.GrowthDetected, 0, 0.7));

        // A row of the wrong shape, as the hostile test's outbox record would have been journaled raw.
        InsertRaw(database, "leak-web-9/1/1", 1, "leak-opened.v1", """{"type":"growth_detected","pid":"notanumber"}""");
        // Through the real serializer: an opening from a detection of pid 0 (leak "web-8/0/0"), and one without
        // host or pid, written as leak "/0/0" (which no longer reads back as a leak id).
        var opened = new LeakOpened(new LeakId("web-8", 0, 0), Detections.T0, Detections.T0, "api", "/usr/bin/api", null, null, "api", Detections.T0, LeakReport.Of(Detections.Of(_before, DetectionKind.GrowthDetected, 0, 0.7)));
        await JournalSeed.WriteAsync(database, [new ProjectedEvent("leak-web-8/0/0", 1, 0, opened)]);
        await JournalSeed.WriteAsync(database, [new ProjectedEvent("leak-/0/0", 1, 0, opened with { Leak = new LeakId("", 0, 0) })]);
        await LeakProjectionTests.Tell(system.ActorOf(LeakEntity.Props(_after)), Detections.Of(_after, DetectionKind.GrowthDetected, 5, 0.6));
        var badOrderings = Orderings(database, "leak-web-9/1/1", "leak-web-8/0/0", "leak-/0/0");

        long quarantined;
        await using (var projection = LeakReadModel.Start(system, kind, database.ConnectionString))
        {
            await projection.WaitForOffsetAsync(database.JournalEnd(), cts.Token);

            // A new leak after them is projected by the same projection: it did not stop at them.
            await LeakProjectionTests.Tell(system.ActorOf(LeakEntity.Props(_later)), Detections.Of(_later, DetectionKind.GrowthDetected, 9, 0.6));
            await projection.WaitForOffsetAsync(database.JournalEnd(), cts.Token);
            quarantined = projection.Quarantined;
        }

        var query = new LeakQuery(store);
        Assert.Equal(3, quarantined);
        foreach (var leak in new[] { _before, _after, _later })
        {
            Assert.NotNull(await query.GetAsync(leak, 1, cts.Token));
        }

        Assert.Equal(3, database.Scalar("SELECT COUNT(*) FROM leak_rows"));
        Assert.Equal(database.JournalEnd(), await store.ReadOffsetAsync(ReadModelStore.LeakProjection, cts.Token));
        Assert.Equal(badOrderings, Quarantined(database).Select(q => (q.PersistenceId, q.SequenceNr, q.Ordering)));
        Assert.Equal(["no host", "pid 0", "does not read"], Quarantined(database).Select((q, i) => new[] { "no host", "pid 0", "does not read" }[i] is var expected && q.Reason.Contains(expected, StringComparison.Ordinal) ? expected : q.Reason));

        // The whole journal again (what `memgrowth leaks` runs): the same rows, the quarantine unchanged.
        database.Execute("UPDATE read_model_offsets SET ordering = 0");
        Assert.Equal(0, await LeakProjection.CatchUpAsync(system, store, cts.Token));
        Assert.Equal(3, database.Scalar("SELECT COUNT(*) FROM leak_rows"));
        Assert.Equal(3, Quarantined(database).Count);
        Assert.Equal(3, await store.CountQuarantinedAsync(cts.Token));
        Assert.Equal(database.JournalEnd(), await store.ReadOffsetAsync(ReadModelStore.LeakProjection, cts.Token));
        await system.Terminate();
    }

    private static void InsertRaw(TestDatabase database, string persistenceId, long sequenceNr, string manifest, string json)
    {
        using var connection = database.Open();
        using var command = connection.CreateCommand();
        command.CommandText = """
            INSERT INTO journal (created, deleted, persistence_id, sequence_number, message, tags, manifest, identifier, writer_uuid)
            VALUES (1, FALSE, @id, @seq, @message, ';leak;', @manifest, 4711, 'hostile')
            """;
        Add(command, "@id", persistenceId);
        Add(command, "@seq", sequenceNr);
        Add(command, "@message", Encoding.UTF8.GetBytes(json));
        Add(command, "@manifest", manifest);
        command.ExecuteNonQuery();
    }

    private static List<(string PersistenceId, long SequenceNr, long Ordering)> Orderings(TestDatabase database, params string[] persistenceIds)
    {
        var orderings = new List<(string, long, long)>();
        foreach (var id in persistenceIds)
        {
            orderings.Add((id, 1, database.Scalar($"SELECT ordering FROM journal WHERE persistence_id = '{id}' AND sequence_number = 1")));
        }

        return orderings;
    }

    private static List<(string PersistenceId, long SequenceNr, long Ordering, string Reason)> Quarantined(TestDatabase database)
    {
        using var connection = database.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT persistence_id, sequence_nr, ordering, reason FROM quarantined_events ORDER BY ordering";
        using var reader = command.ExecuteReader();
        var rows = new List<(string, long, long, string)>();
        while (reader.Read())
        {
            rows.Add((reader.GetString(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetString(3)));
        }

        return rows;
    }

    private static void Add(System.Data.Common.DbCommand command, string name, object value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value;
        command.Parameters.Add(parameter);
    }
}
