using MemGrowth.Analytics.Leaks;
using MemGrowth.Analytics.Persistence;
using MemGrowth.Analytics.ReadModel;
using MemGrowth.Shared.Growth;
using MemGrowth.Shared.Messages;
using MemGrowth.Shared.Settings;
using Npgsql;
using Xunit;

namespace MemGrowth.Analytics.Tests.ReadModel;

/// <summary>
/// The projection's one-statement-per-table writes on a real PostgreSQL: every column of a leak row goes in
/// and reads back as it was (NULLs included), a row is replaced only while it is the version it was computed
/// from, and a new row only where there is none (either way the write says it lost, and the batch is retried).
/// </summary>
public sealed class PostgreSqlArrayInsertsTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 24, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Leak_rows_round_trip_every_column_and_a_stale_version_writes_nothing()
    {
        using var database = new TestDatabase(JournalDatabase.PostgreSql, isolated: true);
        var store = new ReadModelStore(JournalDatabase.PostgreSql, database.ConnectionString);
        await store.InitializeAsync(CancellationToken.None);
        var bare = Row("leak-a", 1, new LeakId("web-1", 7, 70), cgroup: null, confirmed: null, limit: null);
        var full = Row("leak-b", 4, new LeakId("web-2", 8, 80), cgroup: "/system.slice/api.service", confirmed: T0.AddSeconds(31), limit: 1L << 30);

        Assert.True(await Write([(null, bare), (null, full)]));
        Assert.Equal(bare, await Read("leak-a"));
        Assert.Equal(full, await Read("leak-b"));

        var next = full with { LastSequenceNr = 5, Status = LeakStatus.Exited, EndedAt = T0.AddMinutes(2), Reports = 5 };
        Assert.True(await Write([(full, next)]));
        Assert.Equal(next, await Read("leak-b"));

        Assert.False(await Write([(full, next with { LastSequenceNr = 6 })])); // computed from a version no longer there
        Assert.False(await Write([(null, bare with { LastSequenceNr = 9 })])); // a row that is there already
        Assert.Equal(next, await Read("leak-b"));
        Assert.Equal(bare, await Read("leak-a"));

        async Task<bool> Write(IReadOnlyList<(LeakRow? Previous, LeakRow Next)> writes)
        {
            await using var connection = new NpgsqlConnection(database.ConnectionString);
            await connection.OpenAsync();
            await using var transaction = await connection.BeginTransactionAsync();
            var written = await PostgreSqlArrayInserts.LeakRowsAsync(connection, transaction, writes, CancellationToken.None);
            if (written)
            {
                await transaction.CommitAsync();
            }

            return written;
        }

        async Task<LeakRow> Read(string id) => Assert.Single(await new LeakQuery(store).ListAsync(new LeakFilter(), CancellationToken.None), r => r.PersistenceId == id);
    }

    private static LeakRow Row(string id, long seq, LeakId leak, string? cgroup, DateTimeOffset? confirmed, long? limit) => new(
        id, seq, leak, confirmed is null ? LeakStatus.Suspected : LeakStatus.Confirmed, "api", "api", "/usr/bin/api --port 80", cgroup, cgroup is null ? null : "0123abcd",
        T0.AddMinutes(-5), T0, T0.AddSeconds(-6), confirmed, null, T0.AddSeconds(40), 2, (int)seq,
        new LeakReport(T0.AddSeconds(40), GrowthPattern.Accelerating, 1.5 * (1 << 20), 0.93, 123456789, limit, limit is null ? null : 812.5));
}
