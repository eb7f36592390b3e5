using Npgsql;

namespace MemGrowth.Cli.Tests.Fleet;

/// <summary>
/// The fleet tests' PostgreSQL (MEMGROWTH_TEST_POSTGRES, which tests/postgres.sh prints; ./memgrowth test
/// sets it) and what its journal holds. A missing server fails the test with how to get one: never a skip.
/// Tests keep apart by host name (every leak id starts with it), so they share one database.
/// </summary>
internal static class FleetJournal
{
    public static string ConnectionString =>
        Environment.GetEnvironmentVariable("MEMGROWTH_TEST_POSTGRES")
        ?? throw new InvalidOperationException("MEMGROWTH_TEST_POSTGRES is not set: run tests/postgres.sh as root (./memgrowth test does) and export what it prints");

    /// <summary>
    /// A schema of the test's own (journal, tags, read model), so no test depends on what others journaled:
    /// the connection string to use, with its search path. <see cref="DropSchemaAsync"/> removes it.
    /// </summary>
    public static async Task<string> CreateSchemaAsync()
    {
        var schema = "fleet_" + Guid.NewGuid().ToString("N")[..12];
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = $"CREATE SCHEMA {schema}";
        await command.ExecuteNonQueryAsync();
        return $"{ConnectionString};Search Path={schema}";
    }

    public static async Task DropSchemaAsync(string connectionString)
    {
        var schema = new NpgsqlConnectionStringBuilder(connectionString).SearchPath;
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = $"DROP SCHEMA IF EXISTS {schema} CASCADE";
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>Leak reports (opened or reported events) journaled per leak of <paramref name="host"/>: persistence id → report times, in journal order.</summary>
    public static async Task<Dictionary<string, List<DateTimeOffset>>> ReportsOfHostAsync(string database, string host)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT persistence_id, convert_from(message, 'UTF8')::json->>'time' FROM journal
            WHERE persistence_id LIKE @prefix AND manifest IN ('leak-opened.v1', 'leak-reported.v1')
            ORDER BY persistence_id, sequence_number
            """;
        command.Parameters.AddWithValue("prefix", "leak-" + host + "/%");
        var reports = new Dictionary<string, List<DateTimeOffset>>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            var id = reader.GetString(0);
            if (!reports.TryGetValue(id, out var times))
            {
                reports[id] = times = [];
            }

            times.Add(DateTimeOffset.Parse(reader.GetString(1), System.Globalization.CultureInfo.InvariantCulture));
        }

        return reports;
    }

    public static Dictionary<string, string> AnalyticsEnvironment(string database, int port, IEnumerable<int> seeds) => new()
    {
        ["MEMGROWTH_ANALYTICS_PORT"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["MEMGROWTH_SEED_NODES"] = string.Join(',', seeds.Select(s => $"127.0.0.1:{s}")),
        ["MEMGROWTH_DATABASE"] = "postgresql",
        ["MEMGROWTH_CONNECTION_STRING"] = database,
        ["MEMGROWTH_DOWN_AFTER"] = "3s",
        ["MEMGROWTH_API_PORT"] = "0",
    };

    public static Dictionary<string, string> ProducerEnvironment(IEnumerable<int> seeds, int maxInFlight, int maxBatch = 64) => new()
    {
        ["MEMGROWTH_SEED_NODES"] = string.Join(',', seeds.Select(s => $"127.0.0.1:{s}")),
        ["MEMGROWTH_DOWN_AFTER"] = "3s",
        ["MEMGROWTH_MAX_IN_FLIGHT"] = maxInFlight.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["MEMGROWTH_MAX_BATCH"] = maxBatch.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["MEMGROWTH_RESEND_AFTER"] = "1s",
    };
}
