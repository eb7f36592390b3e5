using System.Data.Common;
using Akka.Configuration;
using MemGrowth.Analytics.Persistence;
using MemGrowth.Shared.Settings;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace MemGrowth.Analytics.Tests;

/// <summary>
/// A real database for the persistence tests: a fresh SQLite file, or the PostgreSQL server named by
/// MEMGROWTH_TEST_POSTGRES (tests/postgres.sh starts one and prints its connection string; ./memgrowth
/// test runs it). Missing PostgreSQL fails the test with how to get it: a database test never skips.
/// With <c>isolated</c>, a PostgreSQL test gets a schema of its own (dropped after it), so what it counts
/// is only what it wrote.
/// </summary>
internal sealed class TestDatabase : IDisposable
{
    public const string PostgresVariable = "MEMGROWTH_TEST_POSTGRES";

    private readonly string? _directory;
    private readonly string? _schema;

    public TestDatabase(JournalDatabase kind, bool isolated = false)
    {
        Kind = kind;
        if (kind == JournalDatabase.Sqlite)
        {
            _directory = Directory.CreateTempSubdirectory("memgrowth-journal-").FullName;
            ConnectionString = $"Data Source={Path.Combine(_directory, "memgrowth.db")}";
            return;
        }

        ConnectionString = Environment.GetEnvironmentVariable(PostgresVariable)
            ?? throw new InvalidOperationException($"{PostgresVariable} is not set: run tests/postgres.sh as root (./memgrowth test does) and export what it prints");
        try
        {
            using var connection = Open();
        }
        catch (NpgsqlException e)
        {
            throw new InvalidOperationException($"PostgreSQL at '{ConnectionString}' is not reachable ({e.Message}): run tests/postgres.sh as root", e);
        }

        // The shared schema may hold a journal table an older build created (without the tags column).
        JournalUpgrade.AddTagsColumn(kind, ConnectionString);
        if (isolated)
        {
            _schema = $"test_{Guid.NewGuid():N}";
            Execute($"CREATE SCHEMA {_schema}");
            ConnectionString = new NpgsqlConnectionStringBuilder(ConnectionString) { SearchPath = _schema }.ConnectionString;
        }
    }

    public JournalDatabase Kind { get; }

    public string ConnectionString { get; }

    public Config Journal => JournalConfig.Load(Kind, ConnectionString);

    /// <summary>The manifests journaled for a persistence id, in order, read straight from the journal table.</summary>
    /// <summary>The ordering of the leak journal's last event (the trends' are in a table of their own): where a projection that has it all stands.</summary>
    public long JournalEnd() => Scalar("SELECT MAX(ordering) FROM journal");

    public List<string> JournaledManifests(string persistenceId, string table = "journal")
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT manifest FROM {table} WHERE persistence_id = @id ORDER BY sequence_number";
        var parameter = command.CreateParameter();
        parameter.ParameterName = "@id";
        parameter.Value = persistenceId;
        command.Parameters.Add(parameter);
        using var reader = command.ExecuteReader();
        var manifests = new List<string>();
        while (reader.Read())
        {
            manifests.Add(reader.GetString(0));
        }

        return manifests;
    }

    /// <summary>
    /// The tags journaled for a persistence id's events, in order, read straight from the journal table's
    /// tags column (";a;b;" there; an event without tags has an empty or NULL column).
    /// </summary>
    public List<string> JournaledTags(string persistenceId, string table = "journal")
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT tags FROM {table} WHERE persistence_id = @id ORDER BY sequence_number";
        var parameter = command.CreateParameter();
        parameter.ParameterName = "@id";
        parameter.Value = persistenceId;
        command.Parameters.Add(parameter);
        using var reader = command.ExecuteReader();
        var tags = new List<string>();
        while (reader.Read())
        {
            if (!reader.IsDBNull(0))
            {
                tags.AddRange(reader.GetString(0).Split(';', StringSplitOptions.RemoveEmptyEntries));
            }
        }

        return tags;
    }

    /// <summary>The first column of the first row of a query (no parameters) as a number; 0 for NULL.</summary>
    public long Scalar(string sql)
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar() is { } value and not DBNull ? Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture) : 0;
    }

    /// <summary>The first column of the first row of a query (no parameters) as text; null for no row or NULL.</summary>
    public string? Text(string sql)
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar() is { } value and not DBNull ? Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) : null;
    }

    /// <summary>The first column of every row of a query (no parameters) as text, in the query's order.</summary>
    public List<string?> Texts(string sql)
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        var texts = new List<string?>();
        while (reader.Read())
        {
            texts.Add(reader.IsDBNull(0) ? null : Convert.ToString(reader.GetValue(0), System.Globalization.CultureInfo.InvariantCulture));
        }

        return texts;
    }

    /// <summary>Runs one statement (no parameters).</summary>
    public void Execute(string sql)
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        if (_schema is not null)
        {
            NpgsqlConnection.ClearAllPools();
            Execute($"DROP SCHEMA {_schema} CASCADE");
        }

        if (_directory is not null)
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    public DbConnection Open()
    {
        DbConnection connection = Kind == JournalDatabase.Sqlite ? new SqliteConnection(ConnectionString) : new NpgsqlConnection(ConnectionString);
        connection.Open();
        return connection;
    }
}
