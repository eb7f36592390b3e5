using System.Runtime.Serialization;
using System.Text;
using Akka.Actor;
using Akka.Configuration;
using MemGrowth.Analytics.Leaks;
using MemGrowth.Analytics.Persistence;
using MemGrowth.Shared.Growth;
using MemGrowth.Shared.Messages;
using MemGrowth.Shared.Settings;
using Xunit;

namespace MemGrowth.Analytics.Tests.Snapshots;

/// <summary>
/// A leak's state goes into the snapshot store through <see cref="SnapshotSerializer"/>, bound by the
/// journal's config as every actor system builds it, under a stable manifest, and comes back equal; a
/// golden v1 snapshot pins the stored form, so a rename that would orphan the snapshots already stored
/// fails here.
/// </summary>
public sealed class SnapshotSerializerTests : IDisposable
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 24, 9, 0, 0, TimeSpan.Zero);
    private static readonly LeakId Leak = new("web-1", 4242, 599433);

    /// <summary>What "leak-state.v1" looked like when it was introduced: a reopened leak the OOM killer took, two reports (older builds held up to 500).</summary>
    private const string GoldenV1 = """{"leak":"web-1/4242/599433","status":"oom_killed","service":"api.service","comm":"api","cmdline":"/usr/bin/api --port 80","cgroup":"/system.slice/api.service","container_id":null,"process_started":"2026-11-24T08:55:00+00:00","opened":"2026-11-24T09:00:00+00:00","growth_started":"2026-11-24T08:59:54+00:00","confirmed_at":null,"ended_at":"2026-11-24T09:02:00+00:00","episodes":2,"last_event_time":"2026-11-24T09:02:00+00:00","reports":[{"time":"2026-11-24T09:00:00+00:00","pattern":"linear","bytes_per_second":1048576,"confidence":0.71,"rss_bytes":104857600,"memory_limit_bytes":536870912,"seconds_to_limit":412.5},{"time":"2026-11-24T09:01:30+00:00","pattern":"burst","bytes_per_second":2621440.5,"confidence":0.93,"rss_bytes":123456789,"memory_limit_bytes":null,"seconds_to_limit":null}]}""";

    /// <summary>The same state as this build writes it: the latest report only.</summary>
    private static readonly string WrittenV1 = GoldenV1.Replace(
        """[{"time":"2026-11-24T09:00:00+00:00","pattern":"linear","bytes_per_second":1048576,"confidence":0.71,"rss_bytes":104857600,"memory_limit_bytes":536870912,"seconds_to_limit":412.5},""",
        "[", StringComparison.Ordinal);

    // As every analytics or standalone system is configured: our message serializer over the journal's config.
    private readonly ActorSystem _system = ActorSystem.Create("snapshot-serializer-test",
        ConfigurationFactory.ParseString(MessageSerializer.Config).WithFallback(JournalConfig.Load(JournalDatabase.Sqlite, "Data Source=unused.db")));

    public static TheoryData<string> States() => ["opened", "confirmed", "reopened-and-oom-killed", "long"];

    [Theory]
    [MemberData(nameof(States))]
    public void A_leak_state_round_trips_through_akka_serialization_with_the_snapshot_serializer(string name)
    {
        var state = StateNamed(name);
        var serializer = _system.Serialization.FindSerializerFor(state);
        Assert.IsType<SnapshotSerializer>(serializer);

        var manifest = Akka.Serialization.Serialization.ManifestFor(serializer, state);
        var back = _system.Serialization.Deserialize(serializer.ToBinary(state), serializer.Identifier, manifest);

        Assert.Equal("leak-state.v1", manifest);
        Assert.NotEqual(MessageSerializer.Id, serializer.Identifier);
        LeakStates.AssertSame(state, Assert.IsType<LeakState>(back));
    }

    [Fact]
    public void A_golden_v1_snapshot_still_reads()
    {
        var serializer = (SnapshotSerializer)_system.Serialization.FindSerializerForType(typeof(LeakState));

        var state = Assert.IsType<LeakState>(serializer.FromBinary(Encoding.UTF8.GetBytes(GoldenV1), "leak-state.v1"));

        Assert.Equal(Leak, state.Leak);
        Assert.Equal(LeakStatus.OomKilled, state.Status);
        Assert.Equal("api.service", state.Service);
        Assert.Equal("api", state.Comm);
        Assert.Equal("/usr/bin/api --port 80", state.Cmdline);
        Assert.Equal("/system.slice/api.service", state.Cgroup);
        Assert.Null(state.ContainerId);
        Assert.Equal(T0.AddMinutes(-5), state.ProcessStarted);
        Assert.Equal(T0, state.Opened);
        Assert.Equal(T0.AddSeconds(-6), state.GrowthStarted);
        Assert.Null(state.ConfirmedAt);
        Assert.Equal(T0.AddMinutes(2), state.EndedAt);
        Assert.Equal(2, state.Episodes);
        Assert.Equal(T0.AddMinutes(2), state.LastEventTime);
        Assert.Equal(new LeakReport(T0.AddSeconds(90), GrowthPattern.Burst, 2621440.5, 0.93, 123456789, null, null), state.Latest);
    }

    [Fact]
    public void The_golden_v1_state_is_written_in_the_v1_form_with_its_latest_report_only()
    {
        var serializer = (SnapshotSerializer)_system.Serialization.FindSerializerForType(typeof(LeakState));
        var state = (LeakState)serializer.FromBinary(Encoding.UTF8.GetBytes(GoldenV1), "leak-state.v1");

        Assert.NotEqual(GoldenV1, WrittenV1);
        Assert.Equal(WrittenV1, Encoding.UTF8.GetString(serializer.ToBinary(state)));
    }

    [Theory]
    [InlineData("leak-state.v2", GoldenV1)]
    [InlineData("leak-opened.v1", GoldenV1)]
    [InlineData("leak-state.v1", """{"leak":"web-1/4242/599433","status":"suspected"}""")]
    [InlineData("leak-state.v1", "not json")]
    public void A_snapshot_that_does_not_read_fails_with_a_serialization_exception(string manifest, string json)
    {
        var serializer = (SnapshotSerializer)_system.Serialization.FindSerializerForType(typeof(LeakState));

        Assert.Throws<SerializationException>(() => serializer.FromBinary(Encoding.UTF8.GetBytes(json), manifest));
    }

    public void Dispose() => _system.Dispose();

    private static LeakState StateNamed(string name) => name switch
    {
        "opened" => Fed(),
        "confirmed" => Fed((DetectionKind.GrowthUpdated, 31, 0.95)),
        "reopened-and-oom-killed" => Fed((DetectionKind.GrowthUpdated, 31, 0.95), (DetectionKind.GrowthResolved, 40, 0.95),
            (DetectionKind.GrowthUpdated, 50, 0.5), (DetectionKind.ProcessOomKilled, 60, 0.5)),
        "long" => Fed(Enumerable.Range(1, 520).Select(i => (DetectionKind.GrowthUpdated, (double)i, 0.95)).ToArray()),
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };

    /// <summary>The state of a leak opened at T0 (with a memory limit) after these detections, as the entity would build it.</summary>
    private static LeakState Fed(params (DetectionKind Kind, double Seconds, double Confidence)[] detections)
    {
        var opened = Detections.Of(Leak, DetectionKind.GrowthDetected, 0, 0.7, limitBytes: 512L << 20, secondsToLimit: 400.25);
        var state = LeakDecider.Decide(null, opened).Aggregate((LeakState?)null, LeakState.Apply)!;
        foreach (var (kind, seconds, confidence) in detections)
        {
            state = LeakDecider.Decide(state, Detections.Of(Leak, kind, seconds, confidence)).Aggregate(state, LeakState.Apply);
        }

        return state;
    }
}
