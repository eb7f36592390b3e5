using System.Text;
using Akka.Actor;
using Akka.Configuration;
using MemGrowth.Analytics.Fleet;
using MemGrowth.Analytics.Leaks;
using MemGrowth.Analytics.Persistence;
using MemGrowth.Shared.Fleet;
using MemGrowth.Shared.Messages;
using MemGrowth.Shared.Settings;
using Xunit;

namespace MemGrowth.Analytics.Tests.Leaks;

/// <summary>
/// Deliveries of detections that are not a node's, on real journals: never journaled, acknowledged (so the
/// agent moves on), and a batch's good detections journaled all the same; routing never makes a leak of them.
/// </summary>
public sealed class RefusedDeliveryTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    // A host name of its own per test run: the PostgreSQL database outlives the run.
    private readonly LeakId _leak = new($"test-{Guid.NewGuid():N}", 4242, 599433);

    [Theory]
    [InlineData(JournalDatabase.Sqlite)]
    [InlineData(JournalDatabase.PostgreSql)]
    public async Task An_invalid_detection_is_acknowledged_and_journals_nothing(JournalDatabase kind)
    {
        using var database = new TestDatabase(kind);
        using var system = Start(database);
        var entity = system.ActorOf(LeakEntity.Props(_leak));

        var unsure = await entity.Ask<DetectionAck>(new DeliverDetection("agent", 5, Detect(DetectionKind.GrowthDetected, 0) is var d ? d with { Growth = d.Growth with { Confidence = 7 } } : null!), Timeout);
        var other = await entity.Ask<DetectionAck>(new DeliverDetection("agent", 6, Detections.Of(_leak with { Pid = 4243 }, DetectionKind.GrowthDetected, 1, 0.7)), Timeout);
        var snapshot = await entity.Ask<LeakSnapshot>(new GetLeak(_leak), Timeout);

        Assert.Equal([new DetectionAck("agent", 5), new DetectionAck("agent", 6)], new[] { unsure, other });
        Assert.Equal(0, snapshot.LastSequenceNr);
        Assert.Empty(database.JournaledManifests(LeakEntity.PersistenceIdOf(_leak)));
        Assert.Empty(database.JournaledManifests(LeakEntity.PersistenceIdOf(_leak with { Pid = 4243 })));
        await system.Terminate();
    }

    [Theory]
    [InlineData(JournalDatabase.Sqlite)]
    [InlineData(JournalDatabase.PostgreSql)]
    public async Task A_batch_of_three_with_one_bad_journals_two_and_acknowledges_all(JournalDatabase kind)
    {
        using var database = new TestDatabase(kind);
        using var system = Start(database);
        var entity = system.ActorOf(LeakEntity.Props(_leak));
        var bad = Encoding.UTF8.GetBytes("""{"type":"growth_detected","pid":"notanumber"}""");
        var sent = DeliverDetections.OfEncoded("agent", _leak, [1, 2, 3],
            [MessageSerializer.Encode(Detect(DetectionKind.GrowthDetected, 0)), bad, MessageSerializer.Encode(Detect(DetectionKind.GrowthUpdated, 10))]);
        // As an analytics node reads it off the wire.
        var received = (DeliverDetections)MessageSerializer.Decode(MessageSerializer.Encode(sent), "deliver-detections.v1");

        var ack = await entity.Ask<DetectionsAck>(received, Timeout);
        var again = await entity.Ask<DetectionsAck>(sent, Timeout); // the batch as a standalone node's agent hands it over: read there

        Assert.Equal(new DetectionsAck("agent", [1, 2, 3]), ack);
        Assert.Equal(ack, again);
        Assert.Equal([2L], received.Refused.Select(r => r.Seq));
        Assert.Equal(["leak-opened.v1", "leak-reported.v1"], database.JournaledManifests(LeakEntity.PersistenceIdOf(_leak)));
        await system.Terminate();
    }

    [Fact]
    public async Task Routing_sends_what_belongs_to_no_leak_to_the_refused_deliveries_which_acknowledge_it()
    {
        using var database = new TestDatabase(JournalDatabase.Sqlite);
        using var system = Start(database);
        var wrongShape = (Detection)MessageSerializer.Decode(Encoding.UTF8.GetBytes("""{"type":"growth_detected","pid":"notanumber"}"""), MessageSerializer.DetectionManifest);
        var unreadable = (DeliverDetections)MessageSerializer.Decode(Encoding.UTF8.GetBytes("""{"producer":"agent","seq":8,"detection":{"process":{"pid":"notanumber"}}}"""), "deliver-detection.v1");
        var region = system.ActorOf(LeakRegion.Props());

        Assert.Equal(LeakMessageExtractor.RefusedEntityId, LeakMessageExtractor.EntityIdOf(new DeliverDetection("agent", 7, wrongShape)));
        Assert.Equal(LeakMessageExtractor.RefusedEntityId, LeakMessageExtractor.EntityIdOf(unreadable));
        Assert.Equal(LeakMessageExtractor.RefusedEntityId, LeakMessageExtractor.EntityIdOf(new UnreadableMessage("deliver-detection.v1", "garbage")));
        Assert.Equal(_leak.ToString(), LeakMessageExtractor.EntityIdOf(new DeliverDetection("agent", 7, Detect(DetectionKind.GrowthDetected, 0))));
        Assert.Equal(new DetectionAck("agent", 7), await region.Ask<DetectionAck>(new DeliverDetection("agent", 7, wrongShape), Timeout));
        Assert.Equal(new DetectionsAck("agent", [8]), await region.Ask<DetectionsAck>(unreadable, Timeout));
        await system.Terminate();
    }

    [Fact]
    public void A_journal_row_that_does_not_read_is_read_as_a_placeholder_not_a_throw()
    {
        // What the entity's recovery gets for a row that does not read: a placeholder, not a failed recovery.
        using var system = ActorSystem.Create("serializer", ConfigurationFactory.ParseString(MessageSerializer.Config));
        var read = system.Serialization.Deserialize(Encoding.UTF8.GetBytes("""{"leak":"/0/0"}"""), MessageSerializer.Id, "leak-opened.v1");

        Assert.Equal("leak-opened.v1", Assert.IsType<UnreadableMessage>(read).Manifest);
    }

    private static ActorSystem Start(TestDatabase database) =>
        ActorSystem.Create("leaks", ConfigurationFactory.ParseString(MessageSerializer.Config).WithFallback(database.Journal));

    private Detection Detect(DetectionKind kind, double seconds) => Detections.Of(_leak, kind, seconds, 0.7);
}
