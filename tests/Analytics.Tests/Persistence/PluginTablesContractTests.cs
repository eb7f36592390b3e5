using Akka.Actor;
using Akka.Configuration;
using System.Data.Common;
using Akka.Persistence;
using MemGrowth.Analytics.Persistence;
using MemGrowth.Analytics.ReadModel;
using MemGrowth.Analytics.Leaks;
using MemGrowth.Shared.Messages;
using MemGrowth.Shared.Settings;
using Xunit;

namespace MemGrowth.Analytics.Tests.Persistence;

/// <summary>
/// Our SQL on Akka.Persistence.Sql's own tables, all of it in Persistence/PluginTables, assumes the plugin's
/// default mapping. This pins what it assumes, on real SQLite and PostgreSQL, to the plugin version it was
/// checked against: each statement runs on the tables the plugin itself created, so an upgrade that moves a
/// column fails here, not in a user's pruning, sample reads or batched recovery.
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
        await CreatePluginTablesAsync(database);

        foreach (var (table, columns) in Used)
        {
            var present = kind == JournalDatabase.Sqlite
                ? database.Texts($"SELECT name FROM pragma_table_info('{table}')")
                : database.Texts($"SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = '{table}'");
            Assert.All(columns, c => Assert.True(present.Contains(c), $"the plugin's {table} table has no column {c} (it has {string.Join(", ", present)})"));
        }
    }

    [Theory]
    [InlineData(JournalDatabase.Sqlite)]
    [InlineData(JournalDatabase.PostgreSql)]
    public async Task Every_statement_of_ours_runs_on_the_tables_the_plugin_creates(JournalDatabase kind)
    {
        using var database = new TestDatabase(kind, isolated: true);
        var id = await CreatePluginTablesAsync(database);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var journal = PluginTables.Journal;
        var snapshot = PluginTables.Snapshot;

        // Reads answer from the rows the plugin wrote.
        Assert.Equal(1L, Scalar(database, 1, PluginTables.HighestSequenceNrs(journal, 1), ("@id0", id), ("@above0", 0L)));
        Assert.Equal(id, Scalar(database, 0, PluginTables.LatestSnapshots(snapshot, 1), ("@p0", id)));
        Assert.Equal(1L, Scalar(database, 0, PluginTables.SampleEventsBefore, ("@id", id), ("@before", 2L), ("@opened", "leak-opened.v1"), ("@reported", "leak-reported.v1"), ("@page", 10)));
        Assert.Equal(1, await PluginTables.HighestOrderingAsync(kind, database.ConnectionString, cts.Token));
        Assert.Equal(1, await PluginTables.EventsAfterAsync(kind, database.ConnectionString, 0, cts.Token));
        Assert.Equal(0L, Scalar(database, 0, PluginTables.LacksTagsColumn(kind)));
        Assert.Equal(0L, Scalar(database, 0, $"SELECT COUNT(*) FROM leak_rows r WHERE {PluginTables.EventsPast("r", "@projected")}", ("@projected", 0L))); // no read-model row
        Assert.False(JournalUpgrade.AddTagsColumn(kind, database.ConnectionString));

        // Writes change the rows they mean to, in a transaction rolled back after each.
        Assert.Equal(1, Run(database, PluginTables.UpsertSnapshots(snapshot, 1), ("@i0", id), ("@s0", 1L), ("@c0", 1L), ("@b0", new byte[] { 1 }), ("@m0", "m"), ("@z0", 1)));
        Assert.Equal(1, Run(database, PluginTables.DeleteSnapshotsUpTo(snapshot, 1), ("@i0", id), ("@u0", 1L)));
        Assert.Equal(1, Run(database, PluginTables.DeleteSnapshotsOf("@leak0"), ("@leak0", id)));
        Assert.Equal(1, Run(database, PluginTables.MarkDeleted("@leak0"), ("@leak0", id)));
        Assert.Equal(0, Run(database, PluginTables.DeleteEventsBeforeLastProjected("@leak0"), ("@leak0", id))); // no read-model row: nothing to delete
    }

    /// <summary>The plugin creates its tables on first use: one leak event journaled, one snapshot saved. Returns the leak's persistence id.</summary>
    private static async Task<string> CreatePluginTablesAsync(TestDatabase database)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var leak = new LeakId("contract", 1, 1);
        using (var system = ActorSystem.Create("contract", ConfigurationFactory.ParseString(MessageSerializer.Config).WithFallback(database.Journal)))
        {
            await system.ActorOf(LeakEntity.Props(leak)).Ask<LeakAck>(Detections.Of(leak, DetectionKind.GrowthDetected, 0, 0.7), cts.Token);
            var store = Akka.Persistence.Persistence.Instance.Apply(system).SnapshotStoreFor(null);
            await store.Ask<SaveSnapshotSuccess>(new SaveSnapshot(new SnapshotMetadata(LeakEntity.PersistenceIdOf(leak), 1, DateTime.UtcNow), "state"), cts.Token);
            await system.Terminate();
        }

        await new ReadModelStore(database.Kind, database.ConnectionString).InitializeAsync(cts.Token);
        return LeakEntity.PersistenceIdOf(leak);
    }

    /// <summary>Column <paramref name="column"/> of the first row the statement reads (a number as a long).</summary>
    private static object Scalar(TestDatabase database, int column, string sql, params (string Name, object Value)[] parameters)
    {
        using var connection = database.Open();
        using var command = Command(connection, null, sql, parameters);
        using var reader = command.ExecuteReader();
        Assert.True(reader.Read(), $"no row from: {sql}");
        var value = reader.GetValue(column);
        return value is string ? value : Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>How many rows the statement changed, rolled back.</summary>
    private static int Run(TestDatabase database, string sql, params (string Name, object Value)[] parameters)
    {
        using var connection = database.Open();
        using var transaction = connection.BeginTransaction();
        using var command = Command(connection, transaction, sql, parameters);
        var changed = command.ExecuteNonQuery();
        transaction.Rollback();
        return changed;
    }

    private static DbCommand Command(DbConnection connection, DbTransaction? transaction, string sql, (string Name, object Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = name;
            parameter.Value = value;
            command.Parameters.Add(parameter);
        }

        return command;
    }
}
