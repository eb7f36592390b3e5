using System.Data.Common;
using System.Runtime.CompilerServices;
using MemGrowth.Shared.Settings;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace MemGrowth.Analytics.Persistence;

/// <summary>
/// A new, unopened connection to the journal's database. Each provider's type is named only in its own
/// method, which the JIT compiles only when that provider is used: a node on SQLite never loads Npgsql
/// (its assembly mapped, its types and statics built: about 1.5 MiB of a standalone agent's RSS). Their
/// signatures say DbConnection: a call's signature is resolved where it is compiled, and naming the
/// provider's type there would load it all the same.
/// </summary>
internal static class JournalConnection
{
    public static DbConnection Create(JournalDatabase database, string connectionString) =>
        database == JournalDatabase.Sqlite ? Sqlite(connectionString) : PostgreSql(connectionString);

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static DbConnection Sqlite(string connectionString) => new SqliteConnection(connectionString);

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static DbConnection PostgreSql(string connectionString) => new NpgsqlConnection(connectionString);
}
