using Akka.Actor;
using Akka.Configuration;
using MemGrowth.Analytics.Leaks;
using MemGrowth.Analytics.Persistence;
using MemGrowth.Analytics.ReadModel;
using MemGrowth.Analytics.Tests.ReadModel;
using MemGrowth.Shared.Messages;
using MemGrowth.Shared.Settings;
using Xunit;

namespace MemGrowth.Analytics.Tests.Persistence;

/// <summary>
/// A journal an older build wrote (tags in the tag table, no tags column) on real SQLite and PostgreSQL:
/// after <see cref="JournalUpgrade"/> the entities journal into it again, and the read model projects the
/// old events and the new ones alike, each once.
/// </summary>
public sealed class JournalUpgradeTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    private readonly LeakId _old = new("web-1", 4242, 599433);
    private readonly LeakId _new = new("web-2", 77, 1234);

    [Theory]
    [InlineData(JournalDatabase.Sqlite)]
    [InlineData(JournalDatabase.PostgreSql)]
    public async Task A_tag_table_journal_takes_new_events_and_projects_old_and_new(JournalDatabase kind)
    {
        using var database = new TestDatabase(kind, isolated: true);
        using var cts = new CancellationTokenSource(Timeout);
        Assert.False(JournalUpgrade.AddTagsColumn(kind, database.ConnectionString)); // no journal yet

        // The older build: tags written to the tag table, the journal table created without a tags column.
        var older = ConfigurationFactory.ParseString(MessageSerializer.Config + "\nakka.persistence.journal.sql.tag-write-mode = TagTable")
            .WithFallback(database.Journal);
        using (var system = ActorSystem.Create("older", older))
        {
            var entity = system.ActorOf(LeakEntity.Props(_old));
            await entity.Ask<LeakAck>(Detections.Of(_old, DetectionKind.GrowthDetected, 0, 0.7), Timeout);
            await entity.Ask<LeakAck>(Detections.Of(_old, DetectionKind.GrowthUpdated, 10, 0.8), Timeout);
            await system.Terminate();
        }

        Assert.Equal(["leak", "leak"], TagTableTags(database, LeakEntity.PersistenceIdOf(_old)));
        Assert.True(JournalUpgrade.AddTagsColumn(kind, database.ConnectionString));
        Assert.False(JournalUpgrade.AddTagsColumn(kind, database.ConnectionString));

        using (var system = LeakProjectionTests.Start(database))
        {
            // The old entity recovers its journal and goes on; a new one starts.
            var old = system.ActorOf(LeakEntity.Props(_old));
            var reply = await old.Ask<LeakAck>(Detections.Of(_old, DetectionKind.ProcessExited, 20, 0.8), Timeout);
            Assert.Equal(1, reply.Journaled);
            await system.ActorOf(LeakEntity.Props(_new)).Ask<LeakAck>(Detections.Of(_new, DetectionKind.GrowthDetected, 5, 0.6), Timeout);
            Assert.Equal(["leak"], database.JournaledTags(LeakEntity.PersistenceIdOf(_new)));

            var store = new ReadModelStore(kind, database.ConnectionString);
            await LeakProjection.CatchUpAsync(system, store, cts.Token);
            var query = new LeakQuery(store);
            var oldLeak = await query.GetAsync(_old, LeakQuery.DefaultReports, cts.Token);
            Assert.Equal(LeakStatus.Exited, oldLeak!.Leak.Status);
            Assert.Equal(2, oldLeak.Leak.Reports);
            Assert.Equal(LeakStatus.Suspected, (await query.GetAsync(_new, LeakQuery.DefaultReports, cts.Token))!.Leak.Status);
            Assert.Equal(3, database.Scalar("SELECT COUNT(*) FROM leak_reports"));
            await system.Terminate();
        }
    }

    private static List<string> TagTableTags(TestDatabase database, string persistenceId)
    {
        using var connection = database.Open();
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT tag FROM tags WHERE persistence_id = '{persistenceId}' ORDER BY sequence_nr";
        using var reader = command.ExecuteReader();
        var tags = new List<string>();
        while (reader.Read())
        {
            tags.Add(reader.GetString(0));
        }

        return tags;
    }
}
