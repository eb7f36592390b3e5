using Akka.Actor;
using Akka.Configuration;
using MemGrowth.Analytics.Leaks;
using MemGrowth.Analytics.Persistence;
using MemGrowth.Shared.Growth;
using MemGrowth.Shared.Messages;
using Microsoft.Data.Sqlite;
using Xunit;

namespace MemGrowth.Analytics.Tests.Leaks;

/// <summary>
/// The leak entity on a real SQLite journal (Akka.Persistence.Sql): what it journals survives the actor
/// system, is stored under our stable manifests, and a redelivered detection journals nothing.
/// </summary>
public sealed class LeakEntityPersistenceTests : IDisposable
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 24, 9, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);
    private readonly string _directory = Directory.CreateTempSubdirectory("memgrowth-journal-").FullName;

    private string Database => Path.Combine(_directory, "memgrowth.db");

    [Fact]
    public async Task A_leak_journaled_in_sqlite_is_recovered_by_a_new_actor_system()
    {
        var leak = new LeakId("web-1", 4242, 599433);
        LeakSnapshot before;
        using (var system = Start())
        {
            var entity = system.ActorOf(LeakEntity.Props(leak));
            foreach (var d in new[] { Detect(DetectionKind.GrowthDetected, 0, 0.7), Detect(DetectionKind.GrowthUpdated, 31, 0.95), Detect(DetectionKind.ProcessExited, 60, 0.95) })
            {
                await entity.Ask<LeakAck>(d, Timeout);
            }

            before = await entity.Ask<LeakSnapshot>(new GetLeak(leak), Timeout);
            await system.Terminate();
        }

        using (var system = Start())
        {
            var entity = system.ActorOf(LeakEntity.Props(leak));
            var after = await entity.Ask<LeakSnapshot>(new GetLeak(leak), Timeout);

            Assert.Equal(4, after.LastSequenceNr); // opened, reported, confirmed, ended
            Assert.Equal(LeakStatus.Exited, after.State!.Status);
            Assert.Equal(before.State!.ConfirmedAt, after.State.ConfirmedAt);
            Assert.Equal(before.State.Reports, after.State.Reports);
            await system.Terminate();
        }

        Assert.Equal(["leak-opened.v1", "leak-reported.v1", "leak-confirmed.v1", "leak-ended.v1"], JournaledManifests(LeakEntity.PersistenceIdOf(leak)));
    }

    [Fact]
    public async Task A_redelivered_detection_is_acknowledged_and_journals_nothing()
    {
        var leak = new LeakId("web-1", 4242, 599433);
        using var system = Start();
        var entity = system.ActorOf(LeakEntity.Props(leak));
        var detected = Detect(DetectionKind.GrowthDetected, 0, 0.7);

        var first = await entity.Ask<LeakAck>(detected, Timeout);
        var again = await entity.Ask<LeakAck>(detected, Timeout);
        var snapshot = await entity.Ask<LeakSnapshot>(new GetLeak(leak), Timeout);

        Assert.Equal(1, first.Journaled);
        Assert.Equal(0, again.Journaled);
        Assert.Equal(1, snapshot.LastSequenceNr);
        await system.Terminate();
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    private ActorSystem Start() => ActorSystem.Create("leaks", ConfigurationFactory.ParseString(MessageSerializer.Config)
        .WithFallback(JournalConfig.Load(JournalDatabase.Sqlite, $"Data Source={Database}")));

    private List<string> JournaledManifests(string persistenceId)
    {
        using var connection = new SqliteConnection($"Data Source={Database}");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT manifest FROM journal WHERE persistence_id = $id ORDER BY sequence_number";
        command.Parameters.AddWithValue("$id", persistenceId);
        using var reader = command.ExecuteReader();
        var manifests = new List<string>();
        while (reader.Read())
        {
            manifests.Add(reader.GetString(0));
        }

        return manifests;
    }

    private static Detection Detect(DetectionKind kind, double seconds, double confidence) => new(
        kind, T0.AddSeconds(seconds), "web-1", new ProcessKey(4242, 599433), T0.AddMinutes(-5), "api", "/usr/bin/api",
        "/system.slice/api.service", null, GrowthPattern.Linear, 1 << 20, confidence, 100 << 20, 90 << 20, 10 << 20, 0, 0,
        T0.AddMinutes(-5), T0.AddSeconds(-6), null, null);
}
