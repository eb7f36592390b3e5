using System.Collections.Immutable;
using System.Text;
using Akka.Actor;
using Akka.Configuration;
using MemGrowth.Analytics.Persistence;
using MemGrowth.Analytics.Trends;
using MemGrowth.Shared.Growth;
using MemGrowth.Shared.Messages;
using MemGrowth.Shared.Settings;
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

    /// <summary>A trend that dropped a leak (see <see cref="ServiceTrend.Retain"/>): its snapshot carries the counts.</summary>
    private static readonly ServiceTrend Dropping = Trend
        .Apply(new TrendInput("leak-web-2/7/1", 1, new LeakOpened(new LeakId("web-2", 7, 1), T0.AddDays(200), T0.AddDays(199), "api", "/usr/bin/api", null, null, "api.service", T0.AddDays(200), Report with { Time = T0.AddDays(200) })))
        .Retain(TimeSpan.FromDays(90));

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
        Dropping,
        new TrendReply(Dropping, 9),
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

        Assert.Matches(@"^[a-z-]+\.v[0-9]+$", manifest);
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
    public void A_trend_that_dropped_leaks_reads_back_with_their_counts()
    {
        var serializer = (TrendSerializer)_system.Serialization.FindSerializerFor(Dropping);

        var back = (ServiceTrend)serializer.FromBinary(serializer.ToBinary(Dropping), "service-trend.v2");

        Assert.Equal(1, Dropping.Dropped.Processes);
        Assert.Equal(Dropping.Dropped, back.Dropped);
        Assert.Equal((2, 2, 1), (back.Processes, back.HostsEver, back.OomKills));
        Assert.Equal(Dropping.Leaks.Values, back.Leaks.Values);
    }

    [Fact]
    public void A_trend_has_a_golden_v2_form_and_its_v1_form_still_reads_as_one_that_dropped_nothing()
    {
        const string leak = """{"leak":"web-1/4242/599433","opened":"2026-11-24T09:00:00+00:00","last_seen":"2026-11-24T09:01:00+00:00","bytes_per_second":1048576,"seconds_to_limit":600,"open":false,"oom_killed":true,"last_sequence_nr":2,"last_report":"2026-11-24T09:00:00+00:00"}""";
        const string v1 = $$"""{"service":"api.service","leaks":[{{leak}}],"first_seen":"2026-11-24T09:00:00+00:00","last_seen":"2026-11-24T09:01:00+00:00"}""";
        const string v2 = $$$"""{"service":"api.service","leaks":[{{{leak}}}],"first_seen":"2026-11-24T09:00:00+00:00","last_seen":"2026-11-24T09:01:00+00:00","dropped":{"processes":3,"oom_kills":1,"hosts":["db-1","web-9"]}}""";
        var serializer = (TrendSerializer)_system.Serialization.FindSerializerFor(Trend);

        var old = (ServiceTrend)serializer.FromBinary(Encoding.UTF8.GetBytes(v1), "service-trend.v1");
        var now = (ServiceTrend)serializer.FromBinary(Encoding.UTF8.GetBytes(v2), "service-trend.v2");
        var oldReply = (TrendReply)serializer.FromBinary(Encoding.UTF8.GetBytes($$"""{"trend":{{v1}},"last_sequence_nr":4}"""), "trend-reply.v1");

        Assert.Equal("service-trend.v2", serializer.Manifest(Trend));
        Assert.Equal(v2, Encoding.UTF8.GetString(serializer.ToBinary(now)));
        Assert.Equal(Trend.Leaks.Values, old.Leaks.Values);
        Assert.Equal(DroppedLeaks.None, old.Dropped);
        Assert.Equal((4, 3, 2), (now.Processes, now.HostsEver, now.OomKills));
        Assert.Equal((Trend.Leaks.Values.Single(), 4L), (oldReply.Trend.Leaks.Values.Single(), oldReply.LastSequenceNr));
    }

    [Fact]
    public void An_unknown_manifest_is_refused_naming_the_ones_this_build_reads()
    {
        var serializer = (TrendSerializer)_system.Serialization.FindSerializerFor(new GetTrend("x"));

        var error = Assert.Throws<System.Runtime.Serialization.SerializationException>(() => serializer.FromBinary([], "trend-record.v9"));

        Assert.Contains("trend-record.v1", error.Message, StringComparison.Ordinal);
        Assert.Contains("service-trend.v1", error.Message, StringComparison.Ordinal); // read, though no longer written
    }

    public void Dispose() => _system.Dispose();
}
