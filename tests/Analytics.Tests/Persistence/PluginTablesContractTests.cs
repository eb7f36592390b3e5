using Akka.Actor;
using Akka.Configuration;
using Akka.Persistence;
using MemGrowth.Analytics.Leaks;
using MemGrowth.Shared.Messages;
using MemGrowth.Shared.Settings;
using Xunit;

namespace MemGrowth.Analytics.Tests.Persistence;

/// <summary>
/// Our SQL on Akka.Persistence.Sql's own tables (Persistence/HighestSequenceNrs, LatestSnapshots, JournalUpgrade;
/// ReadModel/JournalSamples; Retention/HistoryPruner) assumes the plugin's default mapping. This pins what it
/// assumes, on real SQLite and PostgreSQL, to the plugin version it was checked against: an upgrade that moves
/// a column fails here, not in a user's pruning or sample reads.
/// </summary>
public sealed class PluginTablesContractTests
{
    /// <summary>The plugin version this contract was checked against (Directory.Packages.props).</summary>
    private const string CheckedVersion = "1.5.73";

    /// <summary>Every column of the plugin's tables that our SQL names.</summary>
    private static readonly Dictionary<string, string[]> Used = new()
    {
        ["journal"] = ["ordering", "persistence_id", "sequence_number", "deleted", "manifest", "message", "tags"],
        ["snapshot"] = ["persistence_id", "sequence_number", "created", "snapshot", "manifest", "serializer_id"],
    };

    [Fact]
    public void The_plugin_is_the_version_the_contract_was_checked_against()
    {
        var version = typeof(Akka.Persistence.Sql.Journal.SqlWriteJournal).Assembly.GetName().Version!;

        Assert.True(CheckedVersion == $"{version.Major}.{version.Minor}.{version.Build}",
            $"Akka.Persistence.Sql is {version}, the contract was checked against {CheckedVersion}: check our SQL on its tables (see this class) against its schema, then move {nameof(CheckedVersion)}");
    }

    [Theory]
    [InlineData(JournalDatabase.Sqlite)]
    [InlineData(JournalDatabase.PostgreSql)]
    public async Task The_tables_the_plugin_creates_have_every_column_our_SQL_uses(JournalDatabase kind)
    {
        using var database = new TestDatabase(kind, isolated: true);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        using (var system = ActorSystem.Create("contract", ConfigurationFactory.ParseString(MessageSerializer.Config).WithFallback(database.Journal)))
        {
            // The plugin creates its tables on first use: one event journaled, one snapshot saved.
            var leak = new LeakId("contract", 1, 1);
            await system.ActorOf(LeakEntity.Props(leak)).Ask<LeakAck>(Detections.Of(leak, DetectionKind.GrowthDetected, 0, 0.7), cts.Token);
            var store = Akka.Persistence.Persistence.Instance.Apply(system).SnapshotStoreFor(null);
            await store.Ask<SaveSnapshotSuccess>(new SaveSnapshot(new SnapshotMetadata(LeakEntity.PersistenceIdOf(leak), 1, DateTime.UtcNow), "state"), cts.Token);
            await system.Terminate();
        }

        foreach (var (table, columns) in Used)
        {
            var present = kind == JournalDatabase.Sqlite
                ? database.Texts($"SELECT name FROM pragma_table_info('{table}')")
                : database.Texts($"SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = '{table}'");
            Assert.All(columns, c => Assert.True(present.Contains(c), $"the plugin's {table} table has no column {c} (it has {string.Join(", ", present)})"));
        }
    }
}
