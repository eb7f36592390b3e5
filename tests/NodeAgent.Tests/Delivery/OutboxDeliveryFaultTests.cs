using System.Collections.Concurrent;
using System.Runtime.Versioning;
using Akka.Actor;
using Akka.TestKit;
using Akka.TestKit.Xunit2;
using MemGrowth.NodeAgent.Delivery;
using MemGrowth.Shared.Messages;
using Microsoft.Extensions.Logging;
using Xunit;

namespace MemGrowth.NodeAgent.Tests.Delivery;

/// <summary>
/// Delivery when the outbox's storage fails or its log is damaged: sends go on from memory, the log says
/// so once and says when it is written again, and the resend back-off reaches a recovered receiver soon.
/// </summary>
[SupportedOSPlatform("linux")]
public sealed class OutboxDeliveryFaultTests : TestKit
{
    private const string Producer = "test-host:/outbox";
    private static readonly TimeSpan Never = TimeSpan.FromMinutes(10);
    private readonly TestProbe _region;
    private readonly RecordingLogger _log = new();
    private readonly TempDir _dir = new();

    public OutboxDeliveryFaultTests()
    {
        _region = CreateTestProbe("region");
    }

    [Fact]
    public async Task Should_deliver_from_memory_while_the_disk_is_full_and_write_what_is_pending_once_it_is_not()
    {
        using var tmpfs = new SmallTmpfs("1m");
        var dir = Path.Combine(tmpfs.Path, "outbox");
        var outbox = Outbox.Open(dir, 1 << 20);
        var delivery = Sys.ActorOf(OutboxDelivery.Props(outbox, _region, Producer, maxInFlight: 100, Never, _log));
        tmpfs.Fill();

        // One detection per leak, so each goes out at once.
        var sent = Enumerable.Range(0, 30).Select(n => SyntheticDetections.Of(n, 30, "test-host")).ToList();
        sent.ForEach(d => delivery.Tell(d));
        var delivered = _region.ReceiveN(sent.Count).Cast<DeliverDetection>().ToList();
        Assert.Equal(sent, delivered.Select(d => d.Detection));

        var status = await Status(delivery);
        Assert.Contains("No space left on device", status.OutboxFault, StringComparison.Ordinal);
        Assert.True(status.WriteFailures > 0);
        Assert.Equal(sent.Count, status.Pending);
        Assert.Single(_log.Lines, line => line.Contains("cannot write", StringComparison.Ordinal) && line.Contains("held in memory", StringComparison.Ordinal));

        foreach (var d in delivered.Where(d => d.Seq % 3 == 0))
        {
            delivery.Tell(new DetectionAck(Producer, d.Seq), _region);
        }

        tmpfs.Free();
        // The actor's next tick (every second) writes the log again.
        await AwaitConditionAsync(async () => (await Status(delivery)).OutboxFault is null, TimeSpan.FromSeconds(10));
        OutboxStorageFaultTests.AssertLogHolds(outbox.LogPath, delivered.Where(d => d.Seq % 3 != 0).Select(d => d.Detection));
        Assert.Contains(_log.Lines, line => line.Contains("written again", StringComparison.Ordinal));
        Assert.Single(_log.Lines, line => line.Contains("cannot write", StringComparison.Ordinal));

        Watch(delivery);
        Sys.Stop(delivery);
        ExpectTerminated(delivery);
    }

    [Fact]
    public void Should_log_where_damage_was_found_and_deliver_only_good_records()
    {
        var good = Enumerable.Range(0, 3).Select(n => SyntheticDetections.Of(n, 3, "test-host")).ToList();
        var junk = new byte[] { 1, 2, 3, 4, 5, 6, 7 };
        var wrong = OutboxFormat.Frame("{\"type\":\"growth_detected\",\"pid\":\"notanumber\"}"u8);
        var first = OutboxFormat.Frame(MessageSerializer.Encode(good[0]));
        File.WriteAllBytes(Path.Combine(_dir.Path, "outbox.log"),
            [.. first, .. junk, .. wrong, .. OutboxFormat.Frame(MessageSerializer.Encode(good[1])), .. OutboxFormat.Frame(MessageSerializer.Encode(good[2]))]);

        var outbox = Outbox.Open(_dir.Path, 1 << 20);
        Sys.ActorOf(OutboxDelivery.Props(outbox, _region, Producer, maxInFlight: 10, Never, _log));

        Assert.Equal(good, _region.ReceiveN(3).Cast<DeliverDetection>().Select(d => d.Detection));
        _region.ExpectNoMsg(TimeSpan.FromMilliseconds(300));
        Assert.Contains(_log.Lines, line => line.Contains($"{junk.Length} corrupt bytes at offset {first.Length}", StringComparison.Ordinal));
        Assert.Contains(_log.Lines, line => line.Contains($"record at offset {first.Length + junk.Length}", StringComparison.Ordinal) && line.Contains("outbox.quarantine", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(3, new[] { 3, 5, 5, 5, 5, 5, 5 })] // the agent's default: 3 s, then 5 s, never the 48 s it reached before
    [InlineData(1, new[] { 1, 2, 4, 5, 5, 5, 5 })]
    [InlineData(8, new[] { 8, 8, 8 })] // a resend-after above the cap is kept as it is
    public void Should_cap_the_resend_wait_so_a_recovered_receiver_is_reached_within_ten_seconds(int resendAfterSeconds, int[] waits)
    {
        var plan = new DeliveryPlan(maxInFlight: 10, TimeSpan.FromSeconds(resendAfterSeconds));

        Assert.Equal(waits.Select(s => TimeSpan.FromSeconds(s)), Enumerable.Range(1, waits.Length).Select(plan.ResendWait));
        Assert.Equal(TimeSpan.FromSeconds(Math.Max(resendAfterSeconds, 5)), plan.ResendWait(10_000));
        Assert.True(DeliveryPlan.MaxResendWait + TimeSpan.FromSeconds(1) < TimeSpan.FromSeconds(10)); // plus a tick
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing)
        {
            _dir.Dispose();
        }
    }

    private static Task<DeliveryStatus> Status(IActorRef delivery) => delivery.Ask<DeliveryStatus>(GetDeliveryStatus.Instance, TimeSpan.FromSeconds(3));

    /// <summary>Every line logged, formatted, at Information and above.</summary>
    private sealed class RecordingLogger : ILogger
    {
        private readonly ConcurrentQueue<string> _lines = new();

        public IReadOnlyCollection<string> Lines => _lines.ToArray();

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                _lines.Enqueue($"{logLevel}: {formatter(state, exception)}");
            }
        }
    }
}
