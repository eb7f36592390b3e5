using MemGrowth.Analytics.Persistence;
using MemGrowth.Shared.Settings;
using MemGrowth.Validation.Run;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace MemGrowth.Tools.Bench;

/// <summary>
/// Where `memgrowth bench query` keeps its read model, and its removal: a SQLite file in a fresh temporary
/// directory (or the file the user named, left in place), or a PostgreSQL schema of its own that nothing
/// else uses, so the benchmark never touches other data. Disposing removes what it created, unless kept.
/// </summary>
internal sealed class QueryDatabase : IAsyncDisposable
{
    private readonly string? _directory;
    private readonly string? _schema;
    private readonly string? _serverConnectionString;
    private readonly bool _keep;

    private QueryDatabase(JournalDatabase kind, string connectionString, string where, bool keep, string? directory, string? schema, string? serverConnectionString)
    {
        Kind = kind;
        ConnectionString = connectionString;
        Where = where;
        _keep = keep;
        _directory = directory;
        _schema = schema;
        _serverConnectionString = serverConnectionString;
    }

    public JournalDatabase Kind { get; }

    public string ConnectionString { get; }

    /// <summary>Where the rows are, for people: a file or a schema.</summary>
    public string Where { get; }

    public static async Task<QueryDatabase> CreateAsync(QueryOptions options, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Database == JournalDatabase.Sqlite)
        {
            if (options.ConnectionString is { } given)
            {
                return new QueryDatabase(JournalDatabase.Sqlite, given, new SqliteConnectionStringBuilder(given).DataSource, keep: true, null, null, null);
            }

            var directory = Directory.CreateTempSubdirectory("memgrowth-query-").FullName;
            var file = Path.Combine(directory, "memgrowth.db");
            return new QueryDatabase(JournalDatabase.Sqlite, $"Data Source={file}", file, options.Keep, directory, null, null);
        }

        var server = options.ConnectionString ?? throw new ArgumentException("--database postgresql needs --connection-string");
        var schema = $"bench_query_{Guid.NewGuid():N}"[..24];
        try
        {
            await ExecuteAsync(server, $"CREATE SCHEMA {schema}", ct).ConfigureAwait(false);
        }
        catch (NpgsqlException e)
        {
            throw new BenchmarkException($"cannot create a schema for the benchmark on PostgreSQL ({e.Message}): is the server up (tests/postgres.sh), and may the role create schemas in its database?", e);
        }

        var connectionString = new NpgsqlConnectionStringBuilder(server) { SearchPath = schema }.ConnectionString;
        return new QueryDatabase(JournalDatabase.PostgreSql, connectionString, $"schema {schema}", options.Keep, null, schema, server);
    }

    public async ValueTask DisposeAsync()
    {
        if (_keep)
        {
            return;
        }

        if (_directory is not null)
        {
            SqliteConnection.ClearAllPools();
            Directory.Delete(_directory, recursive: true);
        }

        if (_schema is not null && _serverConnectionString is not null)
        {
            NpgsqlConnection.ClearAllPools();
            await ExecuteAsync(_serverConnectionString, $"DROP SCHEMA {_schema} CASCADE", CancellationToken.None).ConfigureAwait(false);
        }
    }

    private static async Task ExecuteAsync(string connectionString, string sql, CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(ct).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
    }
}
