using System.Runtime.Serialization;
using System.Text;
using Akka.Actor;
using Akka.Configuration;
using MemGrowth.Shared.Growth;
using MemGrowth.Shared.Messages;
using Xunit;

namespace MemGrowth.Shared.Tests.Messages;

/// <summary>
/// Records of the wrong shape, as a hostile or broken peer sends them: a detection that reads but is no node's
/// is told apart by <see cref="DetectionCheck"/>; a delivery whose detections do not read still reads, with
/// them refused; what does not read at all reaches Akka as an <see cref="UnreadableMessage"/>, which is never written.
/// </summary>
public sealed class MalformedMessagesTests : IDisposable
{
    private const string WrongShape = """{"type":"growth_detected","pid":"notanumber"}""";

    private const string Unreadable = """{"kind":"growth_detected","process":{"pid":"notanumber"}}""";

    private static readonly DateTimeOffset T0 = TestMessages.T0;

    private static readonly Detection Detected = new(
        DetectionKind.GrowthDetected,
        T0,
        new DetectedProcess("web-1", new ProcessKey(4242, 599433), T0.AddMinutes(-5), "api", "/usr/bin/api", "/system.slice/api.service", null, T0.AddMinutes(-5)),
        new GrowthVerdict(GrowthPattern.Linear, 1048576, 0.71, T0.AddSeconds(-6)),
        new MemoryUsage(100, 90, 10, 0, 0),
        new MemoryLimit(null, null));

    private readonly ActorSystem _system = ActorSystem.Create("malformed", ConfigurationFactory.ParseString(MessageSerializer.Config));

    [Fact]
    public void A_detection_of_the_wrong_shape_reads_with_nothing_that_names_a_leak_and_the_check_refuses_it()
    {
        var read = (Detection)MessageSerializer.Decode(Encoding.UTF8.GetBytes(WrongShape), MessageSerializer.DetectionManifest);

        Assert.Equal("/0/0", LeakId.Of(read).ToString()); // what older builds journaled it as
        Assert.NotNull(DetectionCheck.Problem(read));
        Assert.Null(DetectionCheck.Problem(Detected));
        Assert.Contains("pid 0", DetectionCheck.Problem(Detected with { Process = Detected.Process with { Key = new ProcessKey(0, 599433) } }), StringComparison.Ordinal);
        Assert.Throws<SerializationException>(() => MessageSerializer.Decode(Encoding.UTF8.GetBytes(Unreadable), MessageSerializer.DetectionManifest));
    }

    [Fact]
    public void A_single_delivery_whose_detection_does_not_read_reads_as_its_refusal()
    {
        var json = $$"""{"producer":"web-1:/outbox","seq":17,"detection":{{Unreadable}}}""";

        var read = Assert.IsType<DeliverDetections>(Deserialize(json, "deliver-detection.v1"));

        Assert.Equal("web-1:/outbox", read.Producer);
        Assert.Equal([17L], read.Seqs);
        Assert.Empty(read.Detections);
        Assert.False(read.HasLeak);
        Assert.Equal(17, Assert.Single(read.Refused).Seq);
    }

    [Fact]
    public void A_single_delivery_whose_detection_reads_but_is_no_nodes_reads_as_it_is()
    {
        var json = $$"""{"producer":"web-1:/outbox","seq":17,"detection":{{WrongShape}}}""";

        var read = Assert.IsType<DeliverDetection>(Deserialize(json, "deliver-detection.v1"));

        Assert.NotNull(DetectionCheck.Problem(read.Detection)); // its routing refuses it
    }

    [Theory]
    [InlineData(Unreadable)]
    [InlineData(WrongShape)]
    public void A_batch_of_three_with_one_bad_keeps_the_two_and_round_trips_with_its_refusal(string bad)
    {
        var good = Encoding.UTF8.GetString(MessageSerializer.Encode(Detected));
        var later = Encoding.UTF8.GetString(MessageSerializer.Encode(Detected with { Time = T0.AddSeconds(5) }));
        var json = $$"""{"producer":"web-1:/outbox","seqs":[1,2,3],"detections":[{{good}},{{bad}},{{later}}]}""";

        var read = Assert.IsType<DeliverDetections>(Deserialize(json, "deliver-detections.v1"));
        var forwarded = _system.Serialization.Deserialize(_system.Serialization.FindSerializerFor(read).ToBinary(read), MessageSerializer.Id, "deliver-detections.v1");

        Assert.Equal([1L, 2L, 3L], read.Seqs);
        Assert.Equal([1L, 3L], read.DetectionSeqs);
        Assert.Equal([Detected, Detected with { Time = T0.AddSeconds(5) }], read.Detections);
        Assert.Equal(2, Assert.Single(read.Refused).Seq);
        Assert.Equal(LeakId.Of(Detected), read.Leak);
        Assert.Equal(read, forwarded); // from the node that read it to the one hosting its leak, refusal and all
    }

    [Theory]
    [InlineData("""{"producer":"web-1:/outbox","seqs":[1,2],"detections":[]}""", 2)]
    [InlineData("""{"producer":"web-1:/outbox","seqs":[4],"detections":"x"}""", 1)]
    public void A_batch_whose_detections_do_not_match_its_sequence_numbers_refuses_them_all(string json, int refused)
    {
        var read = Assert.IsType<DeliverDetections>(Deserialize(json, "deliver-detections.v1"));

        Assert.Empty(read.Detections);
        Assert.Equal(refused, read.Refused.Count);
        Assert.False(read.HasLeak);
    }

    [Theory]
    [InlineData("deliver-detections.v1", """{"producer":"web-1:/outbox","seqs":"x"}""")]
    [InlineData("deliver-detection.v1", """{"seq":3}""")]
    [InlineData("deliver-detection.v1", "not json")]
    [InlineData("leak-opened.v1", """{"leak":"/0/0"}""")]
    [InlineData("leak-reported.v1", """{"leak":"web-1/4242/599433","time":"notatime"}""")]
    public void What_does_not_read_at_all_reaches_akka_as_a_placeholder_that_is_never_written(string manifest, string json)
    {
        var read = Assert.IsType<UnreadableMessage>(Deserialize(json, manifest));

        Assert.Equal(manifest, read.Manifest);
        Assert.Throws<SerializationException>(() => MessageSerializer.Decode(Encoding.UTF8.GetBytes(json), manifest));
        Assert.IsType<MessageSerializer>(_system.Serialization.FindSerializerFor(read)); // bound, so no other serializer writes it
        Assert.Throws<ArgumentException>(() => _system.Serialization.FindSerializerFor(read).ToBinary(read));
        Assert.Throws<ArgumentException>(() => MessageSerializer.Encode(read));
    }

    public void Dispose() => _system.Dispose();

    private object Deserialize(string json, string manifest) => _system.Serialization.Deserialize(Encoding.UTF8.GetBytes(json), MessageSerializer.Id, manifest);
}
