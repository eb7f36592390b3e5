using Akka.Actor;
using MemGrowth.Analytics.Leaks;
using MemGrowth.Analytics.ReadModel;
using MemGrowth.Analytics.Tests.ReadModel;
using MemGrowth.Shared.Growth;
using MemGrowth.Shared.Messages;
using MemGrowth.Shared.Settings;
using Microsoft.Data.Sqlite;
using Xunit;

namespace MemGrowth.Analytics.Tests.Persistence;

/// <summary>
/// A journal an older build wrote (Fixtures/journal-v1.sqlite, see the README there: main before Detection
/// was split into parts) is recovered, projected and journaled on by this build with every value it held:
/// what fleets have journaled must keep reading whatever shape the messages take in code.
/// </summary>
public sealed class JournaledV1FixtureTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    private static readonly LeakId Resolved = new("web-1", 4242, 599433);

    private static readonly LeakId OomKilled = new("web-2", 77, 1234);

    private static readonly DateTimeOffset T0 = Detections.T0;

    [Fact]
    public async Task The_older_builds_leaks_recover_with_their_values_and_take_new_detections()
    {
        using var database = Copy();
        using var system = LeakProjectionTests.Start(database);
        var resolved = system.ActorOf(LeakEntity.Props(Resolved));
        var killed = system.ActorOf(LeakEntity.Props(OomKilled));

        var first = await resolved.Ask<LeakSnapshot>(new GetLeak(Resolved), Timeout);
        var second = await killed.Ask<LeakSnapshot>(new GetLeak(OomKilled), Timeout);

        Assert.Equal(4, first.LastSequenceNr);
        var a = first.State!;
        Assert.Equal((LeakStatus.Resolved, "api.service", "api", "/usr/bin/api", "/system.slice/api.service", (string?)null), (a.Status, a.Service, a.Comm, a.Cmdline, a.Cgroup, a.ContainerId));
        Assert.Equal((T0.AddMinutes(-5), T0, T0.AddSeconds(-6), T0.AddSeconds(31), (DateTimeOffset?)null), (a.ProcessStarted, a.Opened, a.GrowthStarted, a.ConfirmedAt, a.EndedAt));
        Assert.Equal(new LeakReport(T0.AddSeconds(31), GrowthPattern.Linear, 1 << 20, 0.95, 100 << 20, 1L << 30, 600.5), a.Latest);

        Assert.Equal(2, second.LastSequenceNr);
        var b = second.State!;
        Assert.Equal((LeakStatus.OomKilled, "/kubepods.slice/pod1/3f2a9c1d5e7b", "3f2a9c1d5e7b", T0.AddSeconds(40)), (b.Status, b.Cgroup, b.ContainerId, b.EndedAt));
        Assert.Equal(new LeakReport(T0.AddSeconds(5), GrowthPattern.Accelerating, 1 << 20, 0.6, 100 << 20, null, null), b.Latest);

        // This build's detection reopens the resolved leak, journaled after the older build's events.
        var ack = await resolved.Ask<LeakAck>(Detections.Of(Resolved, DetectionKind.GrowthDetected, 120, 0.8, 1L << 30, 300), Timeout);
        var reopened = await resolved.Ask<LeakSnapshot>(new GetLeak(Resolved), Timeout);

        Assert.Equal(1, ack.Journaled);
        Assert.Equal((5L, LeakStatus.Suspected, 2), (reopened.LastSequenceNr, reopened.State!.Status, reopened.State.Episodes));
        Assert.Equal(["leak-opened.v1", "leak-reported.v1", "leak-confirmed.v1", "leak-resolved.v1", "leak-reported.v1"], database.JournaledManifests(LeakEntity.PersistenceIdOf(Resolved)));
        await system.Terminate();
    }

    [Fact]
    public async Task The_older_builds_journal_projects_into_the_read_model_with_its_reports_and_samples()
    {
        using var database = Copy();
        using var cts = new CancellationTokenSource(Timeout);
        using var system = LeakProjectionTests.Start(database);
        await using (var projection = LeakReadModel.Start(system, JournalDatabase.Sqlite, database.ConnectionString))
        {
            await projection.WaitForOffsetAsync(database.JournalEnd(), cts.Token);
        }

        var query = new LeakQuery(new ReadModelStore(JournalDatabase.Sqlite, database.ConnectionString));
        var resolved = (await query.GetAsync(Resolved, LeakQuery.DefaultReports, LeakQuery.DefaultSamples, cts.Token))!;
        var killed = (await query.GetAsync(OomKilled, LeakQuery.DefaultReports, LeakQuery.DefaultSamples, cts.Token))!;

        Assert.Equal((LeakStatus.Resolved, 4L, 2, T0.AddSeconds(31)), (resolved.Leak.Status, resolved.Leak.LastSequenceNr, resolved.Leak.Reports, resolved.Leak.ConfirmedAt));
        Assert.Equal([ReportKind.Updated, ReportKind.Detected], resolved.Reports.Select(r => r.Kind));
        Assert.Equal([(0.95, 1L << 30, 600.5), (0.7, 1L << 30, 900.0)], resolved.Reports.Select(r => (r.Confidence, r.MemoryLimitBytes ?? 0, r.SecondsToLimit ?? 0)));
        Assert.Equal(Detections.Samples(-6, 31).Select(s => (s.Time, s.RssBytes, s.AnonBytes, s.FileBytes, s.SwapBytes)),
            resolved.Samples.Select(s => (s.Time, s.RssBytes, s.AnonBytes, s.FileBytes, s.SwapBytes)));

        Assert.Equal((LeakStatus.OomKilled, "3f2a9c1d5e7b", GrowthPattern.Accelerating, T0.AddSeconds(40)), (killed.Leak.Status, killed.Leak.ContainerId, killed.Leak.Latest.Pattern, killed.Leak.EndedAt));
        Assert.Equal(Detections.Samples(1, 5).Select(s => s.Time), killed.Samples.Select(s => s.Time));
        await system.Terminate();
    }

    /// <summary>A fresh SQLite database holding a copy of the fixture: the tests journal on it, the fixture stays as the older build left it.</summary>
    private static TestDatabase Copy()
    {
        var database = new TestDatabase(JournalDatabase.Sqlite);
        var path = new SqliteConnectionStringBuilder(database.ConnectionString).DataSource;
        File.Copy(Path.Combine(AppContext.BaseDirectory, "Persistence", "Fixtures", "journal-v1.sqlite"), path, overwrite: true);
        return database;
    }
}
