using System.Diagnostics;
using Akka.Actor;
using Akka.TestKit;
using Akka.TestKit.Xunit2;
using MemGrowth.NodeAgent.Delivery;
using MemGrowth.Shared.Messages;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit;

namespace MemGrowth.NodeAgent.Tests.Delivery;

/// <summary>
/// At-least-once delivery from a real outbox on disk, with a probe standing in for the sharding region:
/// what is sent, in which order, how many at once, and what an ack settles.
/// </summary>
public sealed class OutboxDeliveryTests : TestKit
{
    private const string Producer = "test-host:/outbox";
    private static readonly TimeSpan Never = TimeSpan.FromMinutes(10);
    private static readonly TimeSpan Quiet = TimeSpan.FromMilliseconds(300);
    private readonly TempDir _dir = new();
    private readonly TestProbe _region;

    public OutboxDeliveryTests()
    {
        _region = CreateTestProbe("region");
    }

    [Fact]
    public async Task Should_send_a_leaks_oldest_detection_then_what_waited_behind_it_as_one_batch_in_order()
    {
        var delivery = Start(maxInFlight: 10, resendAfter: Never);
        var sent = Enumerable.Range(0, 3).Select(n => SyntheticDetections.Of(n, 1, "test-host")).ToList();
        sent.ForEach(d => delivery.Tell(d));

        Assert.Equal(new DeliverDetection(Producer, 1, sent[0]), _region.ExpectMsg<DeliverDetection>());
        _region.ExpectNoMsg(Quiet); // the rest wait for this one's ack
        delivery.Tell(new DetectionAck(Producer, 1), _region);

        Assert.Equal(new DeliverDetections(Producer, [2, 3], [sent[1], sent[2]]), _region.ExpectMsg<DeliverDetections>());
        _region.ExpectNoMsg(Quiet);
        Assert.Equal((2, 2, 1L), ((await Status(delivery)).Pending, (await Status(delivery)).InFlight, (await Status(delivery)).Acked));

        delivery.Tell(new DetectionsAck(Producer, [2, 3]), _region);
        var status = await Status(delivery);
        Assert.Equal((0, 0, 3L), (status.Pending, status.InFlight, status.Acked));
        _region.ExpectNoMsg(Quiet);
    }

    [Fact]
    public async Task Should_bound_a_batch_and_settle_it_only_by_an_ack_naming_all_of_it()
    {
        var delivery = Start(maxInFlight: 10, resendAfter: Never);
        var sent = Enumerable.Range(0, 1 + OutboxDelivery.MaxBatch + 5).Select(n => SyntheticDetections.Of(n, 1, "test-host")).ToList();
        sent.ForEach(d => delivery.Tell(d));
        Assert.Equal(1, _region.ExpectMsg<DeliverDetection>().Seq);
        delivery.Tell(new DetectionAck(Producer, 1));

        var full = _region.ExpectMsg<DeliverDetections>();
        Assert.Equal(Enumerable.Range(2, OutboxDelivery.MaxBatch).Select(n => (long)n), full.Seqs);
        Assert.Equal(sent.Skip(1).Take(OutboxDelivery.MaxBatch), full.Detections);

        delivery.Tell(new DetectionsAck(Producer, full.Seqs.Take(10).ToList())); // part of the batch: settles nothing
        delivery.Tell(new DetectionAck(Producer, full.Seqs[0]));
        _region.ExpectNoMsg(Quiet);
        Assert.Equal((OutboxDelivery.MaxBatch + 5, 1L), ((await Status(delivery)).Pending, (await Status(delivery)).Acked));

        delivery.Tell(new DetectionsAck(Producer, full.Seqs));
        var rest = _region.ExpectMsg<DeliverDetections>();
        Assert.Equal(Enumerable.Range(2 + OutboxDelivery.MaxBatch, 5).Select(n => (long)n), rest.Seqs);
        delivery.Tell(new DetectionsAck(Producer, rest.Seqs));
        Assert.Equal((0, (long)sent.Count), ((await Status(delivery)).Pending, (await Status(delivery)).Acked));
    }

    [Fact]
    public async Task Should_keep_at_most_max_in_flight_across_leaks()
    {
        var delivery = Start(maxInFlight: 2, resendAfter: Never);
        var sent = Enumerable.Range(0, 4).Select(n => SyntheticDetections.Of(n, 4, "test-host")).ToList();
        sent.ForEach(d => delivery.Tell(d));

        Assert.Equal(1, _region.ExpectMsg<DeliverDetection>().Seq);
        Assert.Equal(2, _region.ExpectMsg<DeliverDetection>().Seq);
        _region.ExpectNoMsg(Quiet);
        var status = await Status(delivery);
        Assert.Equal((4, 2), (status.Pending, status.InFlight));

        delivery.Tell(new DetectionAck(Producer, 2));
        Assert.Equal(new DeliverDetection(Producer, 3, sent[2]), _region.ExpectMsg<DeliverDetection>());
        _region.ExpectNoMsg(Quiet);
        delivery.Tell(new DetectionAck(Producer, 1));
        Assert.Equal(new DeliverDetection(Producer, 4, sent[3]), _region.ExpectMsg<DeliverDetection>());
        _region.ExpectNoMsg(Quiet);
        Assert.Equal(2, (await Status(delivery)).InFlight);
    }

    [Fact]
    public void Should_give_a_freed_slot_to_a_waiting_leak_before_the_acked_leak_sends_again()
    {
        // One slot; leak 0 has two detections queued, leak 1 one. When leak 0's first is acked, leak 1 has
        // waited longest: it goes next, or a busy leak would hold the window for as long as it has a backlog.
        var delivery = Start(maxInFlight: 1, resendAfter: Never);
        var sent = Enumerable.Range(0, 3).Select(n => SyntheticDetections.Of(n, 2, "test-host")).ToList();
        sent.ForEach(d => delivery.Tell(d));

        Assert.Equal(1, _region.ExpectMsg<DeliverDetection>().Seq);
        delivery.Tell(new DetectionAck(Producer, 1));
        Assert.Equal(new DeliverDetection(Producer, 2, sent[1]), _region.ExpectMsg<DeliverDetection>());
        _region.ExpectNoMsg(Quiet);
        delivery.Tell(new DetectionAck(Producer, 2));
        Assert.Equal(new DeliverDetection(Producer, 3, sent[2]), _region.ExpectMsg<DeliverDetection>());
    }

    [Fact]
    public async Task Should_ignore_an_ack_for_another_producer_or_an_unknown_seq()
    {
        var delivery = Start(maxInFlight: 10, resendAfter: Never);
        delivery.Tell(SyntheticDetections.Of(0, 1, "test-host"));
        delivery.Tell(SyntheticDetections.Of(1, 1, "test-host"));
        Assert.Equal(1, _region.ExpectMsg<DeliverDetection>().Seq);

        delivery.Tell(new DetectionAck("another-host:/outbox", 1));
        delivery.Tell(new DetectionAck(Producer, 2)); // pending, but not sent yet
        delivery.Tell(new DetectionAck(Producer, 42));
        _region.ExpectNoMsg(Quiet);
        var status = await Status(delivery);
        Assert.Equal((2, 1, 0L), (status.Pending, status.InFlight, status.Acked));

        delivery.Tell(new DetectionAck(Producer, 1));
        Assert.Equal(2, _region.ExpectMsg<DeliverDetection>().Seq);
        delivery.Tell(new DetectionAck(Producer, 1)); // repeated
        _region.ExpectNoMsg(Quiet);
        status = await Status(delivery);
        Assert.Equal((1, 1, 1L), (status.Pending, status.InFlight, status.Acked));
    }

    [Fact]
    public async Task Should_resend_an_unacknowledged_detection_after_resend_after()
    {
        var resendAfter = TimeSpan.FromMilliseconds(200);
        var delivery = Start(maxInFlight: 10, resendAfter);
        var detection = SyntheticDetections.Of(0, 1, "test-host");
        delivery.Tell(detection);
        var first = _region.ExpectMsg<DeliverDetection>();
        var sentAt = Stopwatch.GetTimestamp();

        var again = _region.ExpectMsg<DeliverDetection>(TimeSpan.FromSeconds(3));
        Assert.True(Stopwatch.GetElapsedTime(sentAt) >= resendAfter - TimeSpan.FromMilliseconds(20), "resent before resendAfter");
        Assert.Equal(first, again);
        Assert.Equal(new DeliverDetection(Producer, 1, detection), again);
        Assert.True((await Status(delivery)).Resent >= 1);

        // Acknowledged: no more resends.
        delivery.Tell(new DetectionAck(Producer, 1));
        var status = await Status(delivery);
        Assert.Equal((0, 0, 1L), (status.Pending, status.InFlight, status.Acked));
        while (_region.HasMessages)
        {
            Assert.Equal(1, _region.ExpectMsg<DeliverDetection>().Seq); // resent before the ack arrived
        }

        _region.ExpectNoMsg(TimeSpan.FromSeconds(1.5)); // longer than the actor's resend tick
    }

    [Fact]
    public async Task Should_deliver_what_it_recovers_from_disk_at_start()
    {
        var stored = Enumerable.Range(0, 4).Select(n => SyntheticDetections.Of(n, 2, "test-host")).ToList();
        using (var outbox = Outbox.Open(_dir.Path, 1 << 20))
        {
            stored.ForEach(d => outbox.Append(d));
        }

        var delivery = Start(maxInFlight: 10, resendAfter: Never);

        Assert.Equal(new DeliverDetection(Producer, 1, stored[0]), _region.ExpectMsg<DeliverDetection>());
        Assert.Equal(new DeliverDetection(Producer, 2, stored[1]), _region.ExpectMsg<DeliverDetection>());
        _region.ExpectNoMsg(Quiet);
        var status = await Status(delivery);
        Assert.Equal((4, 2, 0L), (status.Pending, status.InFlight, status.Appended));

        delivery.Tell(new DetectionAck(Producer, 2));
        Assert.Equal(new DeliverDetection(Producer, 4, stored[3]), _region.ExpectMsg<DeliverDetection>());
        delivery.Tell(new DetectionAck(Producer, 1));
        Assert.Equal(new DeliverDetection(Producer, 3, stored[2]), _region.ExpectMsg<DeliverDetection>());
    }

    [Fact]
    public async Task Should_leave_only_unacknowledged_detections_on_disk_when_stopped()
    {
        var sent = Enumerable.Range(0, 3).Select(n => SyntheticDetections.Of(n, 3, "test-host")).ToList();
        var delivery = Start(maxInFlight: 10, resendAfter: Never);
        sent.ForEach(d => delivery.Tell(d));
        _region.ReceiveN(3);
        delivery.Tell(new DetectionAck(Producer, 2));
        Assert.Equal(1L, (await Status(delivery)).Acked);

        Watch(delivery);
        Sys.Stop(delivery);
        ExpectTerminated(delivery);

        using var reopened = Outbox.Open(_dir.Path, 1 << 20);
        Assert.Equal(new[] { sent[0], sent[2] }, reopened.PendingSeqs.Select(reopened.Get));
    }

    [Fact]
    public async Task Should_count_what_it_appends_acks_resends_and_drops()
    {
        var record = OutboxFormat.FrameBytes(MessageSerializer.Encode(SyntheticDetections.Of(1, 1, "test-host")).Length);
        var delivery = Start(maxInFlight: 10, resendAfter: TimeSpan.FromMilliseconds(200), maxBytes: 3 * record);
        for (var n = 1; n <= 5; n++)
        {
            delivery.Tell(SyntheticDetections.Of(n, 1, "test-host"));
        }

        Assert.Equal(1, _region.ExpectMsg<DeliverDetection>().Seq);
        var status = await Status(delivery);
        var none = Array.Empty<double>();
        Assert.Equal(new DeliveryStatus(3, 3L * record, 3L * record, 1, 3, 0, 0, 2, status.OldestPendingSeconds, none), status with { AckSeconds = none });
        Assert.Empty(status.AckSeconds);
        Assert.True(status.OldestPendingSeconds >= 0);

        Assert.Equal(1, _region.ExpectMsg<DeliverDetection>(TimeSpan.FromSeconds(3)).Seq); // a resend
        delivery.Tell(new DetectionAck(Producer, 1));
        Assert.Equal([2L, 3L], _region.FishForMessage<DeliverDetections>(_ => true, TimeSpan.FromSeconds(3)).Seqs);

        status = await Status(delivery);
        Assert.Equal((2, 2L * record, 2, 3L, 1L, 2L), (status.Pending, status.PendingBytes, status.InFlight, status.Appended, status.Acked, status.Dropped));
        Assert.True(status.Resent >= 1);
        Assert.Single(status.AckSeconds);
        Assert.All(status.AckSeconds, s => Assert.InRange(s, 0, 30));
        Assert.Empty((await Status(delivery)).AckSeconds); // drained by asking

        delivery.Tell(new DetectionsAck(Producer, [2, 3]));
        status = await Status(delivery);
        Assert.Equal((0, 0L, 0, 3L, 0.0), (status.Pending, status.PendingBytes, status.InFlight, status.Acked, status.OldestPendingSeconds));
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing)
        {
            _dir.Dispose();
        }
    }

    private IActorRef Start(int maxInFlight, TimeSpan resendAfter, long maxBytes = 1 << 20)
    {
        var outbox = Outbox.Open(_dir.Path, maxBytes);
        return Sys.ActorOf(OutboxDelivery.Props(outbox, _region, Producer, maxInFlight, resendAfter, NullLogger.Instance));
    }

    private static Task<DeliveryStatus> Status(IActorRef delivery) => delivery.Ask<DeliveryStatus>(GetDeliveryStatus.Instance, TimeSpan.FromSeconds(3));
}
