using System.Data.Common;
using MemGrowth.Shared.Settings;
using Microsoft.Data.Sqlite;

namespace MemGrowth.Analytics.Persistence;

/// <summary>
/// Opens the journal's database once before a node starts, so a wrong connection string or a database that
/// is down is one clear message at start-up, not a journal that fails every entity later. An SQLite file is
/// switched to write-ahead logging on the way.
/// </summary>
public static class DatabaseCheck
{
    /// <exception cref="ArgumentException">The database cannot be reached; the message says which and why.</exception>
    public static async Task RequireAsync(JournalDatabase database, string connectionString, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(connectionString);
        DbConnection connection;
        try
        {
            connection = database == JournalDatabase.Sqlite ? OpenSqlite(connectionString) : JournalConnection.Create(database, connectionString);
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException($"{Name(database)} connection string is not valid: {e.Message}", e);
        }

        await using (connection.ConfigureAwait(false))
        {
            try
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
                timeout.CancelAfter(TimeSpan.FromSeconds(15));
                await connection.OpenAsync(timeout.Token).ConfigureAwait(false);
                await using var command = connection.CreateCommand();
                command.CommandText = "select 1";
                await command.ExecuteScalarAsync(timeout.Token).ConfigureAwait(false);
                if (database == JournalDatabase.Sqlite)
                {
                    // Write-ahead logging (kept in the file): the read model's readers no longer block the
                    // journal's writer, nor it them.
                    command.CommandText = "PRAGMA journal_mode=WAL";
                    await command.ExecuteScalarAsync(timeout.Token).ConfigureAwait(false);
                }
            }
            catch (Exception e) when (e is DbException or InvalidOperationException or OperationCanceledException or System.Net.Sockets.SocketException or TimeoutException)
            {
                throw new ArgumentException($"{Name(database)} database unreachable ({Redacted(connectionString)}): {e.Message}", e);
            }
        }
    }

    private static SqliteConnection OpenSqlite(string connectionString)
    {
        var builder = new SqliteConnectionStringBuilder(connectionString);
        if (Path.GetDirectoryName(Path.GetFullPath(builder.DataSource)) is { } dir)
        {
            try
            {
                Directory.CreateDirectory(dir);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new ArgumentException($"cannot create {dir}: {e.Message}", e);
            }
        }

        return new SqliteConnection(connectionString);
    }

    private static string Name(JournalDatabase database) => database == JournalDatabase.Sqlite ? "sqlite" : "postgresql";

    /// <summary>The connection string without its password, for messages.</summary>
    public static string Redacted(string connectionString)
    {
        try
        {
            var builder = new DbConnectionStringBuilder { ConnectionString = connectionString };
            foreach (var key in builder.Keys.Cast<string>().Where(k => k.Contains("password", StringComparison.OrdinalIgnoreCase) || k.Equals("pwd", StringComparison.OrdinalIgnoreCase)).ToList())
            {
                builder[key] = "***";
            }

            return builder.ConnectionString;
        }
        catch (ArgumentException)
        {
            return "(unparseable connection string)";
        }
    }
}
