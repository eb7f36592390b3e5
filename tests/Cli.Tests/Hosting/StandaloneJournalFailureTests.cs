using Akka.Actor;
using Akka.Configuration;
using MemGrowth.Analytics.Leaks;
using MemGrowth.Analytics.Persistence;
using MemGrowth.NodeAgent.Delivery;
using MemGrowth.NodeAgent.Tests.Delivery;
using MemGrowth.Shared.Messages;
using MemGrowth.Shared.Settings;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit;

namespace MemGrowth.Cli.Tests.Hosting;

/// <summary>
/// The standalone node's history path (outbox, delivery, local leak entities, a real SQLite journal) when
/// the journal fails: another process holds the database locked past the journal's busy timeout, the write
/// fails, the entity stops, and the outbox sends the detection again until it is journaled, once.
/// </summary>
public sealed class StandaloneJournalFailureTests : IDisposable
{
    private readonly TempDir _dir = new();

    [Fact]
    public async Task A_detection_the_journal_failed_to_write_is_journaled_once_when_it_recovers()
    {
        var database = Path.Combine(_dir.Path, "memgrowth.db");
        var config = ConfigurationFactory.ParseString(MessageSerializer.Config + "\nakka.loglevel = OFF")
            .WithFallback(JournalConfig.Load(JournalDatabase.Sqlite, $"Data Source={database};Default Timeout=1"));
        using var system = ActorSystem.Create("standalone-journal", config);
        var leaks = system.ActorOf(LeakRegion.Props(), "leaks");
        var delivery = system.ActorOf(OutboxDelivery.Props(
            Outbox.Open(Path.Combine(_dir.Path, "history-outbox"), 1 << 20), leaks, "test-host#standalone", 100, TimeSpan.FromMilliseconds(500), NullLogger.Instance, "history journal"));
        delivery.Tell(SyntheticDetections.Of(0, 1, "test-host"));
        await Until(delivery, s => s.Pending == 0, "the first detection was never journaled");

        // Another process takes the database: the journal's next write waits 1 s, then fails.
        DeliveryStatus stalled;
        await using (var holder = new SqliteConnection($"Data Source={database}"))
        {
            await holder.OpenAsync();
            await using (var begin = holder.CreateCommand())
            {
                begin.CommandText = "BEGIN EXCLUSIVE";
                await begin.ExecuteNonQueryAsync();
            }

            delivery.Tell(SyntheticDetections.Of(1, 1, "test-host"));
            stalled = await Until(delivery, s => s.Resent >= 3, "the detection was never sent again while the journal was locked");
            Assert.Equal(1, stalled.Pending);
            await using var rollback = holder.CreateCommand();
            rollback.CommandText = "ROLLBACK";
            await rollback.ExecuteNonQueryAsync();
        }

        await Until(delivery, s => s.Pending == 0, "the detection was never journaled once the journal recovered");
        Assert.Equal(["leak-opened.v1", "leak-reported.v1"], Manifests(database));
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        _dir.Dispose();
    }

    private static List<string> Manifests(string database)
    {
        using var connection = new SqliteConnection($"Data Source={database};Mode=ReadOnly");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT manifest FROM journal WHERE persistence_id LIKE 'leak-test-host/%' ORDER BY sequence_number";
        using var reader = command.ExecuteReader();
        var manifests = new List<string>();
        while (reader.Read())
        {
            manifests.Add(reader.GetString(0));
        }

        return manifests;
    }

    private static async Task<DeliveryStatus> Until(IActorRef delivery, Func<DeliveryStatus, bool> done, string failure)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (true)
        {
            var status = await delivery.Ask<DeliveryStatus>(GetDeliveryStatus.Instance, TimeSpan.FromSeconds(5));
            if (done(status))
            {
                return status;
            }

            try
            {
                await Task.Delay(100, cts.Token);
            }
            catch (OperationCanceledException)
            {
                Assert.Fail($"{failure} within 60 s (last status {status})");
            }
        }
    }
}
