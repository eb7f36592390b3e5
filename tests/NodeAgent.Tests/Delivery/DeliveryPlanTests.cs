using MemGrowth.NodeAgent.Delivery;
using Xunit;

namespace MemGrowth.NodeAgent.Tests.Delivery;

/// <summary>
/// The delivery plan on its own, with time passed in: what goes out, in which order, how many at once, what
/// an ack settles, and when an unacknowledged send goes again. No actor, no outbox, no clock.
/// </summary>
public class DeliveryPlanTests
{
    private const int Small = 500;
    private static readonly TimeSpan Never = TimeSpan.FromMinutes(10);

    [Fact]
    public void Should_send_a_leaks_detections_one_send_at_a_time_in_order_and_what_waited_as_one_batch()
    {
        var plan = new DeliveryPlan(maxInFlight: 10, Never);

        AssertSend("a", [1], plan.Add(1, "a", Small, At(0)));
        Assert.Null(plan.Add(2, "a", Small, At(0)));
        AssertSend("b", [3], plan.Add(3, "b", Small, At(0))); // another leak does not wait behind "a"
        Assert.Null(plan.Add(4, "a", Small, At(0)));

        var first = plan.Ack([1], At(1));
        Assert.Equal([1L], first!.Settled);
        AssertSend("a", [2, 4], Assert.Single(first.Sends));

        var rest = plan.Ack([2, 4], At(2));
        Assert.Equal([2L, 4L], rest!.Settled);
        Assert.Empty(rest.Sends);
        Assert.Equal((1, 1, 3L), (plan.Pending, plan.InFlight, plan.Acked));
    }

    [Fact]
    public void Should_keep_at_most_max_in_flight_leaks_and_give_a_freed_slot_to_the_leak_that_waited_longest()
    {
        var plan = new DeliveryPlan(maxInFlight: 2, Never);
        AssertSend("a", [1], plan.Add(1, "a", Small, At(0)));
        AssertSend("b", [2], plan.Add(2, "b", Small, At(0)));
        Assert.Null(plan.Add(3, "c", Small, At(0)));
        Assert.Null(plan.Add(4, "a", Small, At(0)));
        Assert.Null(plan.Add(5, "d", Small, At(0)));
        Assert.Equal(2, plan.InFlight);

        // "a" has a backlog, but "c" waited for a slot before it: a busy leak must not hold the window.
        AssertSend("c", [3], Assert.Single(plan.Ack([1], At(1))!.Sends));
        AssertSend("d", [5], Assert.Single(plan.Ack([2], At(1))!.Sends));
        AssertSend("a", [4], Assert.Single(plan.Ack([3], At(1))!.Sends));
        Assert.Equal(2, plan.InFlight);
    }

    [Fact]
    public void Should_bound_a_batch_by_max_batch_and_by_bytes_but_send_a_large_detection_alone()
    {
        var plan = new DeliveryPlan(maxInFlight: 10, Never, maxBatch: 3);
        plan.Add(1, "a", Small, At(0));
        for (var seq = 2; seq <= 6; seq++)
        {
            plan.Add(seq, "a", Small, At(0));
        }

        AssertSend("a", [2, 3, 4], Assert.Single(plan.Ack([1], At(1))!.Sends));
        AssertSend("a", [5, 6], Assert.Single(plan.Ack([2, 3, 4], At(1))!.Sends));

        var bytes = new DeliveryPlan(maxInFlight: 10, Never);
        var third = DeliveryPlan.MaxBatchBytes / 3 + 1;
        bytes.Add(1, "a", Small, At(0));
        bytes.Add(2, "a", third, At(0));
        bytes.Add(3, "a", third, At(0));
        bytes.Add(4, "a", third, At(0));
        bytes.Add(5, "a", DeliveryPlan.MaxBatchBytes + 1, At(0));
        AssertSend("a", [2, 3], Assert.Single(bytes.Ack([1], At(1))!.Sends));
        AssertSend("a", [4], Assert.Single(bytes.Ack([2, 3], At(1))!.Sends));
        AssertSend("a", [5], Assert.Single(bytes.Ack([4], At(1))!.Sends));
    }

    [Fact]
    public void Should_settle_nothing_with_an_ack_that_is_not_exactly_a_send_in_flight()
    {
        var plan = new DeliveryPlan(maxInFlight: 10, Never);
        plan.Add(1, "a", Small, At(0));
        plan.Add(2, "a", Small, At(0));
        plan.Add(3, "a", Small, At(0));
        plan.Ack([1], At(1));

        Assert.Null(plan.Ack([2], At(1))); // part of the batch [2, 3]
        Assert.Null(plan.Ack([3, 2], At(1)));
        Assert.Null(plan.Ack([1], At(1))); // repeated
        Assert.Null(plan.Ack([42], At(1)));
        Assert.Null(plan.Ack([], At(1)));
        Assert.Equal((2, 2, 1L), (plan.Pending, plan.InFlight, plan.Acked));
    }

    [Fact]
    public void Should_forget_and_count_refused_detections_when_the_ack_names_every_one_sent()
    {
        // A receiver refuses a detection it must not journal and acknowledges it with the rest of its batch
        // (DeliveryRefusals): held back, the refused one would be resent forever and block its leak.
        var plan = new DeliveryPlan(maxInFlight: 10, Never, maxBatch: 3);
        for (var seq = 1; seq <= 5; seq++)
        {
            plan.Add(seq, "a", Small, At(0));
        }

        plan.Ack([1], At(1));
        Assert.Null(plan.Ack([2, 4], At(1))); // only the accepted ones of [2, 3, 4]: not this send

        var settled = plan.Ack([2, 3, 4], At(2));
        Assert.Equal([2L, 3L, 4L], settled!.Settled);
        AssertSend("a", [5], Assert.Single(settled.Sends));
        Assert.Equal((1, 4L), (plan.Pending, plan.Acked));
    }

    [Fact]
    public void Should_resend_when_the_time_given_passes_the_wait_which_doubles_up_to_the_cap()
    {
        var plan = new DeliveryPlan(maxInFlight: 10, TimeSpan.FromSeconds(1));
        plan.Add(1, "a", Small, At(0));

        var resentAt = new List<double>();
        for (var tenths = 1; tenths <= 200; tenths++)
        {
            if (plan.Tick(At(tenths / 10.0)).Resends is [var send])
            {
                AssertSend("a", [1], send);
                resentAt.Add(tenths / 10.0);
            }
        }

        // Waits of 1, 2, 4, then 5 s (the cap), each counted from the send before.
        Assert.Equal([1.0, 3.0, 7.0, 12.0, 17.0], resentAt);
        Assert.Equal(5L, plan.Resent);

        plan.Ack([1], At(20));
        Assert.Empty(plan.Tick(At(100)).Resends);
    }

    [Fact]
    public void Should_resend_everything_in_flight_on_a_new_route_and_count_the_wait_from_then()
    {
        var plan = new DeliveryPlan(maxInFlight: 10, TimeSpan.FromSeconds(1));
        plan.Add(1, "a", Small, At(0));
        plan.Add(2, "b", Small, At(0));
        plan.Add(3, "b", Small, At(0));

        Assert.Equal(["a", "b"], plan.ResendAll(At(0.5)).Select(send => send.Leak).Order());
        Assert.Empty(plan.Tick(At(1.2)).Resends);
        Assert.Equal(2, plan.Tick(At(1.5)).Resends.Count);
        Assert.Equal(4L, plan.Resent);
    }

    [Fact]
    public void Should_say_a_stall_after_ten_seconds_then_every_thirty_and_its_end_once_all_is_delivered()
    {
        var plan = new DeliveryPlan(maxInFlight: 10, TimeSpan.FromSeconds(1));
        plan.Add(1, "a", Small, At(0));
        plan.Add(2, "b", Small, At(0));

        var complaints = Enumerable.Range(1, 50).Where(second => plan.Tick(At(second)).Complain).ToList();

        Assert.Equal([11, 41], complaints); // stalled since the first resend, at 1 s
        Assert.False(plan.Ack([1], At(50))!.DeliveredAfterStall); // "b" is still pending
        Assert.True(plan.Ack([2], At(50))!.DeliveredAfterStall);
        plan.Add(3, "a", Small, At(50));
        Assert.False(plan.Ack([3], At(50.5))!.DeliveredAfterStall); // no stall since
    }

    [Fact]
    public void Should_measure_ack_latency_and_the_oldest_wait_from_the_time_given()
    {
        var plan = new DeliveryPlan(maxInFlight: 10, Never);
        Assert.Equal(TimeSpan.Zero, plan.OldestPending(At(1)));
        plan.Add(1, "a", Small, At(2));
        plan.Add(2, "b", Small, At(5));
        Assert.Equal(TimeSpan.FromSeconds(8), plan.OldestPending(At(10)));

        plan.Ack([1], At(12));
        Assert.Equal([10.0], plan.TakeAckSeconds());
        Assert.Empty(plan.TakeAckSeconds()); // taken
        Assert.Equal(TimeSpan.FromSeconds(7), plan.OldestPending(At(12)));
    }

    private static TimeSpan At(double seconds) => TimeSpan.FromSeconds(seconds);

    private static void AssertSend(string leak, long[] seqs, PlannedSend? send)
    {
        Assert.NotNull(send);
        Assert.Equal(leak, send.Leak);
        Assert.Equal(seqs, send.Seqs);
    }
}
