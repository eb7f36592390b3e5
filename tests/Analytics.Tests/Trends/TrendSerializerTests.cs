using System.Collections.Immutable;
using System.Text;
using Akka.Actor;
using Akka.Configuration;
using MemGrowth.Analytics.Persistence;
using MemGrowth.Analytics.Trends;
using MemGrowth.Shared.Growth;
using MemGrowth.Shared.Messages;
using Xunit;

namespace MemGrowth.Analytics.Tests.Trends;

/// <summary>
/// The trend entities' messages, journal and snapshots go through Akka's serialization with our trend
/// serializer (bound by the journal's configuration) under stable manifests, and come back the same; golden
/// JSON pins the journaled form.
/// </summary>
public sealed class TrendSerializerTests : IDisposable
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 24, 9, 0, 0, TimeSpan.Zero);
    private static readonly LeakId Leak = new("web-1", 4242, 599433);
    private static readonly LeakReport Report = new(T0, GrowthPattern.Linear, 1048576, 0.9, 100 << 20, 1L << 30, 600);

    private static readonly TrendInput Opened = new("leak-web-1/4242/599433", 1,
        new LeakOpened(Leak, T0, T0.AddMinutes(-5), "api", "/usr/bin/api", "/system.slice/api.service", null, "api.service", T0.AddSeconds(-6), Report));

    private static readonly TrendInput Ended = new("leak-web-1/4242/599433", 2, new LeakEnded(Leak, T0.AddSeconds(60), LeakEnd.OomKilled));

    private static readonly ServiceTrend Trend = ServiceTrend.Empty("api.service").Apply(Opened).Apply(Ended);

    // Bound as every node binds it: through the journal's configuration.
    private readonly ActorSystem _system = ActorSystem.Create("trend-serializer-test",
        ConfigurationFactory.ParseString(MessageSerializer.Config).WithFallback(JournalConfig.Load(JournalDatabase.Sqlite, "Data Source=:memory:")));

    public static TheoryData<object> Messages() =>
    [
        new RecordLeakEvents("api.service", [Opened, Ended]),
        new LeakEventsRecorded([Opened, Ended]),
        new TrendAck("api.service", 2),
        new GetTrend("api.service"),
        new TrendReply(Trend, 7),
        Trend,
        ServiceTrend.Empty("api.service"),
    ];

    [Theory]
    [MemberData(nameof(Messages))]
    public void Every_trend_message_event_and_snapshot_round_trips_under_a_stable_manifest(object message)
    {
        var serializer = _system.Serialization.FindSerializerFor(message);
        Assert.IsType<TrendSerializer>(serializer);

        var manifest = Akka.Serialization.Serialization.ManifestFor(serializer, message);
        var bytes = serializer.ToBinary(message);
        var back = _system.Serialization.Deserialize(bytes, serializer.Identifier, manifest);

        Assert.EndsWith(".v1", manifest, StringComparison.Ordinal);
        Assert.DoesNotContain("MemGrowth", manifest, StringComparison.Ordinal);
        Assert.IsType(message.GetType(), back);
        Assert.Equal(Encoding.UTF8.GetString(bytes), Encoding.UTF8.GetString(serializer.ToBinary(back)));
    }

    [Fact]
    public void A_trend_reads_back_with_its_leaks_and_their_sequence_numbers()
    {
        var serializer = (TrendSerializer)_system.Serialization.FindSerializerFor(Trend);

        var back = (ServiceTrend)serializer.FromBinary(serializer.ToBinary(Trend), "service-trend.v1");

        var leak = Assert.Single(back.Leaks.Values);
        Assert.Equal(Trend.Leaks[Leak], leak);
        Assert.Equal(2, leak.LastSequenceNr);
        Assert.True(leak.OomKilled);
        Assert.Equal((Trend.Service, Trend.FirstSeen, Trend.LastSeen), (back.Service, back.FirstSeen, back.LastSeen));
        Assert.Empty(back.Unseen([Opened, Ended])); // the dedup survives a snapshot
    }

    [Fact]
    public void The_journaled_leak_events_have_a_golden_v1_form_that_reads_back()
    {
        const string golden = """{"events":[{"persistence_id":"leak-web-1/4242/599433","sequence_nr":2,"manifest":"leak-ended.v1","event":{"how":"oom_killed","leak":"web-1/4242/599433","time":"2026-11-24T09:01:00+00:00"}}]}""";
        var serializer = (TrendSerializer)_system.Serialization.FindSerializerFor(new LeakEventsRecorded([]));

        var back = Assert.IsType<LeakEventsRecorded>(serializer.FromBinary(Encoding.UTF8.GetBytes(golden), "trend-leak-events-recorded.v1"));

        Assert.Equal(golden, Encoding.UTF8.GetString(serializer.ToBinary(new LeakEventsRecorded([Ended]))));
        Assert.Equal(Ended, Assert.Single(back.Events));
    }

    [Fact]
    public void An_unknown_manifest_is_refused_naming_the_ones_this_build_reads()
    {
        var serializer = (TrendSerializer)_system.Serialization.FindSerializerFor(new GetTrend("x"));

        var error = Assert.Throws<System.Runtime.Serialization.SerializationException>(() => serializer.FromBinary([], "trend-record.v9"));

        Assert.Contains("trend-record.v1", error.Message, StringComparison.Ordinal);
    }

    public void Dispose() => _system.Dispose();
}
