using System.Buffers.Binary;
using MemGrowth.NodeAgent.Delivery;
using MemGrowth.Shared.Messages;
using Xunit;

namespace MemGrowth.NodeAgent.Tests.Delivery;

/// <summary>The on-disk outbox against real files in a temporary directory: what survives a reopen, compaction, torn tails, the bound.</summary>
public sealed class OutboxTests : IDisposable
{
    private const long Unbounded = 1L << 30;
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private string LogPath => Path.Combine(_dir.Path, "outbox.log");

    private long FileLength => new FileInfo(LogPath).Length;

    [Fact]
    public void Should_recover_what_was_not_acknowledged_in_order_and_equal_to_what_went_in()
    {
        var sent = Enumerable.Range(0, 10).Select(n => SyntheticDetections.Of(n, 3, "test-host")).ToList();
        using (var outbox = Outbox.Open(_dir.Path, Unbounded))
        {
            var seqs = sent.Select(d => outbox.Append(d)).ToList();
            Assert.Equal(Enumerable.Range(1, 10).Select(n => (long?)n), seqs);
            outbox.Ack(2);
            outbox.Ack(5);
            Assert.Equal(sent[0], outbox.Get(1));
        }

        using var reopened = Outbox.Open(_dir.Path, Unbounded);
        var expected = sent.Where((_, i) => i != 1 && i != 4).ToList();
        // Sequence numbers are per open: the survivors are numbered afresh, oldest first.
        Assert.Equal(Enumerable.Range(1, 8).Select(n => (long)n), reopened.PendingSeqs);
        Assert.Equal(expected, reopened.PendingSeqs.Select(reopened.Get));
        Assert.Equal(expected.Sum(RecordBytes), reopened.PendingBytes);
        Assert.Equal(0, reopened.TornBytes);
    }

    [Fact]
    public void Should_keep_every_record_across_a_reopen_without_acks()
    {
        var sent = Enumerable.Range(0, 5).Select(n => SyntheticDetections.Of(n, 2, "test-host")).ToList();
        using (var outbox = Outbox.Open(_dir.Path, Unbounded))
        {
            sent.ForEach(d => outbox.Append(d));
        }

        using (var reopened = Outbox.Open(_dir.Path, Unbounded))
        {
            Assert.Equal(sent, reopened.PendingSeqs.Select(reopened.Get));
            reopened.Append(SyntheticDetections.Of(5, 2, "test-host"));
        }

        using var again = Outbox.Open(_dir.Path, Unbounded);
        Assert.Equal(sent.Append(SyntheticDetections.Of(5, 2, "test-host")), again.PendingSeqs.Select(again.Get));
    }

    [Fact]
    public void Should_compact_the_log_once_acknowledged_bytes_outweigh_pending_ones()
    {
        // Enough records that acknowledging half of them passes the 1 MiB the outbox waits for before rewriting.
        const int Count = 6000;
        var sent = Enumerable.Range(0, Count).Select(n => SyntheticDetections.Of(n, 50, "test-host")).ToList();
        var outbox = Outbox.Open(_dir.Path, Unbounded);
        sent.ForEach(d => outbox.Append(d));
        var total = FileLength;
        Assert.Equal(outbox.PendingBytes, total);
        Assert.True(total > 2 << 20, $"the test needs more than 2 MiB of records, has {total}");

        long acked = 0;
        var seq = 1L;
        for (; seq <= Count; seq++)
        {
            acked += RecordBytes(sent[(int)seq - 1]);
            outbox.Ack(seq);
            if (acked >= Math.Max(1 << 20, outbox.PendingBytes))
            {
                break;
            }

            Assert.Equal(total, FileLength);
        }

        Assert.True(FileLength < total, "the log did not shrink once acknowledged bytes outweighed pending ones");
        Assert.Equal(outbox.PendingBytes, FileLength);

        // What the rewrite kept is exactly what is pending, readable after a reopen.
        outbox.Dispose();
        using var reopened = Outbox.Open(_dir.Path, Unbounded);
        Assert.Equal(sent.Skip((int)seq), reopened.PendingSeqs.Select(reopened.Get));
    }

    [Fact]
    public void Should_empty_the_log_once_everything_is_acknowledged()
    {
        var sent = Enumerable.Range(0, 300).Select(n => SyntheticDetections.Of(n, 7, "test-host")).ToList();
        using var outbox = Outbox.Open(_dir.Path, Unbounded);
        sent.ForEach(d => outbox.Append(d));
        Assert.True(FileLength > 64 << 10, "the test needs more than 64 KiB of records");

        for (var seq = 1L; seq <= sent.Count; seq++)
        {
            outbox.Ack(seq);
        }

        Assert.Equal(0, outbox.PendingCount);
        Assert.Equal(0, FileLength);
    }

    [Fact]
    public void Should_drop_acknowledged_records_on_a_graceful_dispose()
    {
        var sent = Enumerable.Range(0, 6).Select(n => SyntheticDetections.Of(n, 2, "test-host")).ToList();
        var outbox = Outbox.Open(_dir.Path, Unbounded);
        sent.ForEach(d => outbox.Append(d));
        var full = FileLength;
        outbox.Ack(1);
        outbox.Ack(4);
        Assert.Equal(full, FileLength); // far below any compaction threshold

        outbox.Dispose();

        var kept = new[] { sent[1], sent[2], sent[4], sent[5] };
        Assert.Equal(kept.Sum(RecordBytes), FileLength);
        using var reopened = Outbox.Open(_dir.Path, Unbounded);
        Assert.Equal(kept, reopened.PendingSeqs.Select(reopened.Get));
    }

    [Theory]
    [InlineData(1)] // one byte of the last payload missing
    [InlineData(200)] // most of the last payload missing
    [InlineData(-2)] // only two bytes of the last header written
    public void Should_cut_a_record_torn_mid_write_and_read_later_appends(int keepOfLast)
    {
        var sent = Enumerable.Range(0, 4).Select(n => SyntheticDetections.Of(n, 2, "test-host")).ToList();
        using (var outbox = Outbox.Open(_dir.Path, Unbounded))
        {
            sent.ForEach(d => outbox.Append(d));
        }

        var last = RecordBytes(sent[^1]);
        var intact = FileLength - last;
        var torn = keepOfLast < 0 ? -keepOfLast : last - keepOfLast;
        using (var file = new FileStream(LogPath, FileMode.Open, FileAccess.Write))
        {
            file.SetLength(intact + torn);
        }

        var later = SyntheticDetections.Of(100, 2, "test-host");
        using (var reopened = Outbox.Open(_dir.Path, Unbounded))
        {
            Assert.Equal(torn, reopened.TornBytes);
            Assert.Equal(sent.Take(3), reopened.PendingSeqs.Select(reopened.Get));
            Assert.Equal(intact, FileLength);
            reopened.Append(later);
        }

        using var again = Outbox.Open(_dir.Path, Unbounded);
        Assert.Equal(0, again.TornBytes);
        Assert.Equal(sent.Take(3).Append(later), again.PendingSeqs.Select(again.Get));
    }

    public static TheoryData<byte[]> Garbage => new()
    {
        new byte[] { 0xde, 0xad, 0xbe, 0xef, 0x01, 0x02, 0x03 }, // a length far past the end
        new byte[] { 0xff, 0xff, 0xff, 0xff, 0x7b }, // a negative length
        new byte[] { 0x00, 0x00, 0x00, 0x00 }, // a zero length
        Frame("not json"u8.ToArray()), // a whole legacy frame that is not a detection
        Frame("{\"kind\": 17"u8.ToArray()), // a detection cut short inside its JSON
        OutboxFormat.Frame("not json"u8)[..^1], // a framed record one byte short
        OutboxFormat.Frame(MessageSerializer.Encode(SyntheticDetections.Of(9, 2, "test-host")))[..^3], // a real detection's frame cut short
        OutboxFormat.Magic.ToArray(), // the magic alone
    };

    [Theory]
    [MemberData(nameof(Garbage))]
    public void Should_cut_garbage_at_the_end_and_read_later_appends(byte[] garbage)
    {
        var sent = Enumerable.Range(0, 3).Select(n => SyntheticDetections.Of(n, 2, "test-host")).ToList();
        using (var outbox = Outbox.Open(_dir.Path, Unbounded))
        {
            sent.ForEach(d => outbox.Append(d));
        }

        var intact = FileLength;
        using (var file = new FileStream(LogPath, FileMode.Append, FileAccess.Write))
        {
            file.Write(garbage);
        }

        var later = SyntheticDetections.Of(3, 2, "test-host");
        using (var reopened = Outbox.Open(_dir.Path, Unbounded))
        {
            Assert.Equal(garbage.Length, reopened.TornBytes);
            Assert.Equal(intact, FileLength);
            Assert.Equal(sent, reopened.PendingSeqs.Select(reopened.Get));
            reopened.Append(later);
        }

        using var again = Outbox.Open(_dir.Path, Unbounded);
        Assert.Equal(0, again.TornBytes);
        Assert.Equal(sent.Append(later), again.PendingSeqs.Select(again.Get));
    }

    [Fact]
    public void Should_refuse_and_count_past_the_bound_and_accept_again_after_acks()
    {
        var d = Enumerable.Range(0, 6).Select(n => SyntheticDetections.Of(n, 1, "test-host")).ToList();
        // Synthetic detections of one leak differ only in time and kind, so three of the later ones fit exactly.
        var bound = d.Skip(1).Take(3).Sum(RecordBytes);
        using var outbox = Outbox.Open(_dir.Path, bound);
        Assert.Equal(1, outbox.Append(d[1]));
        Assert.Equal(2, outbox.Append(d[2]));
        Assert.Equal(3, outbox.Append(d[3]));
        Assert.Equal(bound, outbox.PendingBytes);
        var length = FileLength;

        Assert.Null(outbox.Append(d[4]));
        Assert.Null(outbox.Append(d[5]));
        Assert.Equal(2, outbox.Dropped);
        Assert.Equal(3, outbox.PendingCount);
        Assert.Equal(length, FileLength); // a refused detection is not written

        outbox.Ack(1);
        Assert.Equal(4, outbox.Append(d[4]));
        Assert.Null(outbox.Append(d[5]));
        Assert.Equal(3, outbox.Dropped);
        Assert.Equal(new long[] { 2, 3, 4 }, outbox.PendingSeqs);
        Assert.Equal(d[4], outbox.Get(4));
    }

    [Fact]
    public void Should_ignore_unknown_and_repeated_acks()
    {
        var sent = Enumerable.Range(0, 3).Select(n => SyntheticDetections.Of(n, 3, "test-host")).ToList();
        using var outbox = Outbox.Open(_dir.Path, Unbounded);
        sent.ForEach(d => outbox.Append(d));
        outbox.Ack(2);
        var bytes = outbox.PendingBytes;

        outbox.Ack(2);
        outbox.Ack(0);
        outbox.Ack(-1);
        outbox.Ack(4);
        outbox.Ack(long.MaxValue);

        Assert.Equal(new long[] { 1, 3 }, outbox.PendingSeqs);
        Assert.Equal(bytes, outbox.PendingBytes);
        Assert.Equal(RecordBytes(sent[0]) + RecordBytes(sent[2]), bytes);
        Assert.False(outbox.IsPending(2));
        Assert.True(outbox.IsPending(3));
    }

    [Fact]
    public void Should_name_the_setting_when_the_directory_cannot_be_made()
    {
        var file = Path.Combine(_dir.Path, "a-file");
        File.WriteAllText(file, "");

        var e = Assert.Throws<ArgumentException>(() => Outbox.Open(Path.Combine(file, "outbox"), Unbounded));
        Assert.Contains("MEMGROWTH_OUTBOX_DIR", e.Message, StringComparison.Ordinal);
    }

    private static long RecordBytes(Detection detection) => OutboxFormat.FrameBytes(MessageSerializer.Encode(detection).Length);

    // A frame of the format before framing (4-byte length, payload): in a framed log, bytes that frame as nothing.
    private static byte[] Frame(byte[] payload)
    {
        var frame = new byte[payload.Length + 4];
        BinaryPrimitives.WriteInt32LittleEndian(frame, payload.Length);
        payload.CopyTo(frame, 4);
        return frame;
    }
}
