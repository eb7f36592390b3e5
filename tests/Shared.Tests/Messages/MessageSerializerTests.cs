using System.Text;
using Akka.Actor;
using Akka.Configuration;
using MemGrowth.Shared.Growth;
using MemGrowth.Shared.Messages;
using Xunit;

namespace MemGrowth.Shared.Tests.Messages;

/// <summary>
/// Everything journaled or sent goes through Akka's serialization with our serializer and a stable manifest,
/// and comes back equal; golden JSON per manifest pins the wire form, so a rename that would orphan the
/// events already journaled fails here.
/// </summary>
public sealed class MessageSerializerTests : IDisposable
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 24, 9, 0, 0, TimeSpan.Zero);
    private static readonly LeakId Leak = new("web-1", 4242, 599433);
    private static readonly LeakReport Report = new(T0, GrowthPattern.Burst, 2.5 * 1048576, 0.93, 123456789, 536870912, 160.5);

    /// <summary>A leaking process the OOM killer took: carries the leak's last pattern, rate and confidence; no time to a limit.</summary>
    private static readonly Detection OomKilled = new(
        DetectionKind.ProcessOomKilled,
        T0,
        new DetectedProcess("web-1", new ProcessKey(4242, 599433), T0.AddMinutes(-5), "api", "/usr/bin/api", "/memgrowth-test", null, T0.AddMinutes(-5)),
        new GrowthVerdict(GrowthPattern.Linear, 8388608, 0.97, T0.AddSeconds(-9)),
        new MemoryUsage(67108864, 66060288, 1048576, 0, 0),
        new MemoryLimit(67108864, null));

    private static readonly Detection Detected = new(
        DetectionKind.GrowthDetected,
        T0,
        new DetectedProcess("web-1", new ProcessKey(4242, 599433), T0.AddMinutes(-5), "api", "/usr/bin/api", "/system.slice/api.service", null, T0.AddMinutes(-5)),
        new GrowthVerdict(GrowthPattern.Linear, 1048576, 0.71, T0.AddSeconds(-6)),
        new MemoryUsage(100, 90, 10, 0, 0),
        new MemoryLimit(null, null));

    /// <summary>What a detection carries since samples were added: a few, to the millisecond.</summary>
    private static readonly MemorySamples Samples = new([
        new MemorySample(T0.AddSeconds(-2), 98, 88, 10, 0),
        new MemorySample(T0.AddMilliseconds(-1001), 99, 89, 10, 4096),
        new MemorySample(T0, 100, 90, 10, 0),
    ]);

    private readonly ActorSystem _system = ActorSystem.Create("serializer-test", ConfigurationFactory.ParseString(MessageSerializer.Config));

    public static TheoryData<object> Messages() =>
    [
        Detected,
        Detected with { Samples = Samples },
        OomKilled,
        new DeliverDetection("web-1:/var/lib/memgrowth/outbox", 17, Detected),
        new DeliverDetection("web-1:/var/lib/memgrowth/outbox", 18, Detected with { Samples = Samples }),
        new DetectionAck("web-1:/var/lib/memgrowth/outbox", 17),
        new DeliverDetections("web-1:/var/lib/memgrowth/outbox", [19, 23], [Detected with { Samples = Samples }, Detected with { Time = T0.AddSeconds(5) }]),
        new DetectionsAck("web-1:/var/lib/memgrowth/outbox", [19, 23]),
        new LeakOpened(Leak, T0, T0.AddMinutes(-5), "api", "/usr/bin/api", "/system.slice/api.service", "0123abcd", "api.service", T0.AddSeconds(-6), Report),
        new LeakOpened(Leak, T0, T0.AddMinutes(-5), "api", "/usr/bin/api", null, null, "api", T0.AddSeconds(-6), Report, Samples),
        new LeakReported(Leak, T0.AddSeconds(5), Report, Reopened: true),
        new LeakReported(Leak, T0.AddSeconds(5), Report, Reopened: false, Samples),
        new LeakConfirmed(Leak, T0.AddSeconds(31)),
        new LeakResolved(Leak, T0.AddSeconds(50)),
        new LeakEnded(Leak, T0.AddSeconds(60), LeakEnd.OomKilled),
    ];

    [Theory]
    [MemberData(nameof(Messages))]
    public void Every_journaled_or_sent_message_round_trips_through_akka_serialization_with_our_serializer(object message)
    {
        var serializer = _system.Serialization.FindSerializerFor(message);
        Assert.IsType<MessageSerializer>(serializer);

        var manifest = Akka.Serialization.Serialization.ManifestFor(serializer, message);
        var bytes = serializer.ToBinary(message);
        var back = _system.Serialization.Deserialize(bytes, serializer.Identifier, manifest);

        Assert.EndsWith(".v1", manifest, StringComparison.Ordinal);
        Assert.DoesNotContain("MemGrowth", manifest, StringComparison.Ordinal);
        Assert.Equal(message, back);
    }

    [Fact]
    public void Golden_v1_events_still_read()
    {
        const string opened = """{"leak":"web-1/4242/599433","time":"2026-11-24T09:00:00+00:00","process_started":"2026-11-24T08:55:00+00:00","comm":"api","cmdline":"/usr/bin/api","cgroup":null,"container_id":null,"service":"api","growth_started":"2026-11-24T08:59:54+00:00","report":{"time":"2026-11-24T09:00:00+00:00","pattern":"burst","bytes_per_second":2621440,"confidence":0.93,"rss_bytes":123456789,"memory_limit_bytes":null,"seconds_to_limit":null}}""";
        const string ended = """{"leak":"web-1/4242/599433","time":"2026-11-24T09:01:00+00:00","how":"oom_killed"}""";
        var serializer = (MessageSerializer)_system.Serialization.FindSerializerForType(typeof(LeakEvent));

        var o = Assert.IsType<LeakOpened>(serializer.FromBinary(Encoding.UTF8.GetBytes(opened), "leak-opened.v1"));
        var e = Assert.IsType<LeakEnded>(serializer.FromBinary(Encoding.UTF8.GetBytes(ended), "leak-ended.v1"));

        Assert.Equal(Leak, o.Leak);
        Assert.Equal(GrowthPattern.Burst, o.Report.Pattern);
        Assert.Equal(2621440, o.Report.BytesPerSecond);
        Assert.Equal(LeakEnd.OomKilled, e.How);
        Assert.Empty(o.Samples);
        Assert.DoesNotContain("samples", Encoding.UTF8.GetString(serializer.ToBinary(o)), StringComparison.Ordinal); // none: written as v1 was
    }

    [Fact]
    public void A_golden_v1_report_from_before_samples_reads_with_none_and_one_with_samples_has_a_golden_form()
    {
        // Written in the order this serializer writes (a record's own fields, then its base's).
        const string before = """{"report":{"time":"2026-11-24T09:00:00+00:00","pattern":"burst","bytes_per_second":2621440,"confidence":0.93,"rss_bytes":123456789,"memory_limit_bytes":536870912,"seconds_to_limit":160.5},"reopened":true,"leak":"web-1/4242/599433","time":"2026-11-24T09:00:05+00:00"}""";
        const string with = """{"report":{"time":"2026-11-24T09:00:00+00:00","pattern":"burst","bytes_per_second":2621440,"confidence":0.93,"rss_bytes":123456789,"memory_limit_bytes":536870912,"seconds_to_limit":160.5},"reopened":false,"samples":[[1795510798000,98,88,10,0],[1795510798999,99,89,10,4096],[1795510800000,100,90,10,0]],"leak":"web-1/4242/599433","time":"2026-11-24T09:00:05+00:00"}""";
        var serializer = (MessageSerializer)_system.Serialization.FindSerializerForType(typeof(LeakEvent));
        var reported = new LeakReported(Leak, T0.AddSeconds(5), Report, Reopened: false, Samples);

        var old = Assert.IsType<LeakReported>(serializer.FromBinary(Encoding.UTF8.GetBytes(before), "leak-reported.v1"));

        Assert.Equal(new LeakReported(Leak, T0.AddSeconds(5), Report, Reopened: true), old);
        Assert.Empty(old.Samples);
        Assert.Equal(before, Encoding.UTF8.GetString(serializer.ToBinary(old)));
        Assert.Equal(with, Encoding.UTF8.GetString(serializer.ToBinary(reported)));
        Assert.Equal(reported, serializer.FromBinary(Encoding.UTF8.GetBytes(with), "leak-reported.v1"));
    }

    [Fact]
    public void Fields_a_build_does_not_know_are_skipped_as_an_older_build_skips_samples()
    {
        const string later = """{"kind":"growth_updated","time":"2026-11-24T09:00:00+00:00","host":"web-1","process":{"pid":4242,"start_ticks":599433},"start_time":"2026-11-24T08:55:00+00:00","comm":"api","cmdline":"/usr/bin/api","cgroup":null,"container_id":null,"pattern":"linear","growth_bytes_per_second":1048576,"confidence":0.71,"rss_bytes":100,"anon_bytes":90,"file_bytes":10,"shmem_bytes":0,"swap_bytes":0,"first_seen":"2026-11-24T08:55:00+00:00","growth_started":"2026-11-24T08:59:54+00:00","memory_limit_bytes":null,"seconds_to_limit":null,"samples":[[1795510800000,100,90,10,0,7]],"pressure":{"some":0.5}}""";
        var serializer = (MessageSerializer)_system.Serialization.FindSerializerForType(typeof(Detection));

        var d = Assert.IsType<Detection>(serializer.FromBinary(Encoding.UTF8.GetBytes(later), "detection.v1"));

        Assert.Equal(Detected with { Kind = DetectionKind.GrowthUpdated, Samples = new([new MemorySample(T0, 100, 90, 10, 0)]), Process = Detected.Process with { Cgroup = null } }, d);
    }

    [Theory]
    [InlineData("[[1795510800000]]")]
    [InlineData("[1795510800000,100]")]
    [InlineData("{\"time\":1795510800000}")]
    public void Malformed_samples_are_refused(string samples)
    {
        var json = """{"leak":"web-1/4242/599433","time":"2026-11-24T09:00:05+00:00","report":{"time":"2026-11-24T09:00:00+00:00","pattern":"burst","bytes_per_second":1,"confidence":0.5,"rss_bytes":1,"memory_limit_bytes":null,"seconds_to_limit":null},"reopened":false,"samples":""" + samples + "}";

        Assert.Throws<System.Runtime.Serialization.SerializationException>(() => MessageSerializer.Decode(Encoding.UTF8.GetBytes(json), "leak-reported.v1"));
    }


    [Fact]
    public void A_process_oom_killed_detection_has_a_golden_v1_form_that_reads_back()
    {
        const string golden = """{"kind":"process_oom_killed","time":"2026-11-24T09:00:00+00:00","host":"web-1","process":{"pid":4242,"start_ticks":599433},"start_time":"2026-11-24T08:55:00+00:00","comm":"api","cmdline":"/usr/bin/api","cgroup":"/memgrowth-test","container_id":null,"pattern":"linear","growth_bytes_per_second":8388608,"confidence":0.97,"rss_bytes":67108864,"anon_bytes":66060288,"file_bytes":1048576,"shmem_bytes":0,"swap_bytes":0,"first_seen":"2026-11-24T08:55:00+00:00","growth_started":"2026-11-24T08:59:51+00:00","memory_limit_bytes":67108864,"seconds_to_limit":null}""";
        var serializer = (MessageSerializer)_system.Serialization.FindSerializerForType(typeof(Detection));

        Assert.Equal(golden, Encoding.UTF8.GetString(serializer.ToBinary(OomKilled)));
        Assert.Equal(OomKilled, serializer.FromBinary(Encoding.UTF8.GetBytes(golden), "detection.v1"));
    }

    [Fact]
    public void A_batch_of_one_leaks_detections_has_a_golden_v1_form_and_a_detection_of_another_leak_in_one_is_refused()
    {
        const string detection = """{"kind":"process_oom_killed","time":"2026-11-24T09:00:00+00:00","host":"web-1","process":{"pid":4242,"start_ticks":599433},"start_time":"2026-11-24T08:55:00+00:00","comm":"api","cmdline":"/usr/bin/api","cgroup":"/memgrowth-test","container_id":null,"pattern":"linear","growth_bytes_per_second":8388608,"confidence":0.97,"rss_bytes":67108864,"anon_bytes":66060288,"file_bytes":1048576,"shmem_bytes":0,"swap_bytes":0,"first_seen":"2026-11-24T08:55:00+00:00","growth_started":"2026-11-24T08:59:51+00:00","memory_limit_bytes":67108864,"seconds_to_limit":null}""";
        const string golden = """{"producer":"web-1:/outbox","seqs":[5],"detections":[""" + detection + "]}";
        const string ack = """{"producer":"web-1:/outbox","seqs":[5,9]}""";
        var serializer = (MessageSerializer)_system.Serialization.FindSerializerForType(typeof(DeliverDetections));
        var batch = new DeliverDetections("web-1:/outbox", [5], [OomKilled]);

        Assert.Equal(golden, Encoding.UTF8.GetString(serializer.ToBinary(batch)));
        Assert.Equal(batch, serializer.FromBinary(Encoding.UTF8.GetBytes(golden), "deliver-detections.v1"));
        Assert.Equal(ack, Encoding.UTF8.GetString(serializer.ToBinary(new DetectionsAck("web-1:/outbox", [5, 9]))));

        // A detection of another leak in it is refused, the rest kept, every sequence number still settled by the ack.
        var mixed = golden.Replace("[5]", "[5,6]", StringComparison.Ordinal).Replace("]}", "," + detection.Replace("4242", "4243", StringComparison.Ordinal) + "]}", StringComparison.Ordinal);
        var read = Assert.IsType<DeliverDetections>(serializer.FromBinary(Encoding.UTF8.GetBytes(mixed), "deliver-detections.v1"));
        Assert.Equal([5L, 6L], read.Seqs);
        Assert.Equal([5L], read.DetectionSeqs);
        Assert.Equal([OomKilled], read.Detections);
        Assert.Equal(6, Assert.Single(read.Refused).Seq);
    }

    [Fact]
    public void A_batch_made_of_encoded_detections_is_written_byte_for_byte_as_the_same_batch_of_detections()
    {
        var serializer = (MessageSerializer)_system.Serialization.FindSerializerForType(typeof(DeliverDetections));
        Detection[] detections = [Detected with { Samples = Samples }, Detected with { Time = T0.AddSeconds(5), Process = Detected.Process with { Cmdline = "/usr/bin/api --name \"naïve\" <x>" } }];
        var encoded = DeliverDetections.OfEncoded("web-1:/var/lib/memgrowth/outbox+é", LeakId.Of(detections[0]), [19, 23], [.. detections.Select(d => (ReadOnlyMemory<byte>)MessageSerializer.Encode(d))]);
        var plain = new DeliverDetections("web-1:/var/lib/memgrowth/outbox+é", [19, 23], detections);

        var bytes = serializer.ToBinary(encoded);

        Assert.Equal(serializer.ToBinary(plain), bytes);
        Assert.Equal(plain, serializer.FromBinary(bytes, "deliver-detections.v1"));
        Assert.Equal(plain, encoded); // read on first use
    }

    [Fact]
    public void The_detection_kinds_of_v1_keep_their_names()
    {
        var serializer = (MessageSerializer)_system.Serialization.FindSerializerForType(typeof(Detection));
        string[] names = ["growth_detected", "growth_updated", "growth_resolved", "process_exited", "process_oom_killed"];

        Assert.Equal(names, Enum.GetValues<DetectionKind>().Select(k =>
            Encoding.UTF8.GetString(serializer.ToBinary(OomKilled with { Kind = k })).Split('"')[3]));
    }

    [Fact]
    public void An_unknown_manifest_is_refused_naming_the_ones_this_build_reads()
    {
        var serializer = (MessageSerializer)_system.Serialization.FindSerializerForType(typeof(LeakEvent));

        var error = Assert.Throws<System.Runtime.Serialization.SerializationException>(() => MessageSerializer.Decode([], "leak-opened.v9"));
        var read = Assert.IsType<UnreadableMessage>(serializer.FromBinary([], "leak-opened.v9")); // what Akka gets: no throw to fail a journal query at

        Assert.Contains("leak-opened.v1", error.Message, StringComparison.Ordinal);
        Assert.Equal(("leak-opened.v9", error.Message), (read.Manifest, read.Reason));
    }

    [Theory]
    [InlineData("web-1/4242/599433", "web-1", 4242, 599433UL)]
    [InlineData("a/b/7/8", "a/b", 7, 8UL)]
    public void Leak_ids_read_back_from_their_text(string text, string host, int pid, ulong ticks)
    {
        var id = LeakId.Parse(text);

        Assert.Equal(new LeakId(host, pid, ticks), id);
        Assert.Equal(text, id.ToString());
    }

    [Theory]
    [InlineData("web-1")]
    [InlineData("web-1/x/7")]
    [InlineData("/7/8")]
    public void A_malformed_leak_id_is_refused(string text) => Assert.Throws<FormatException>(() => LeakId.Parse(text));

    public void Dispose() => _system.Dispose();
}
