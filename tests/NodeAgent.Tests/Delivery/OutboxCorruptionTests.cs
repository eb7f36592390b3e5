using System.Buffers.Binary;
using System.Runtime.Versioning;
using System.Text.Json;
using MemGrowth.NodeAgent.Delivery;
using MemGrowth.Shared.Messages;
using Xunit;

namespace MemGrowth.NodeAgent.Tests.Delivery;

/// <summary>
/// A damaged <c>outbox.log</c> read back: junk over a record costs that record only, a record that frames but
/// is no detection is quarantined, a log of the format before framing is still read.
/// </summary>
[SupportedOSPlatform("linux")]
public sealed class OutboxCorruptionTests : IDisposable
{
    private const long Unbounded = 1L << 30;
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private string LogPath => Path.Combine(_dir.Path, "outbox.log");

    private string QuarantinePath => Path.Combine(_dir.Path, "outbox.quarantine");

    public static TheoryData<int, int> Damaged => new()
    {
        // Which record of six is overwritten, and how much longer or shorter the junk is than the record.
        { 0, 0 }, { 0, -40 }, { 0, 90 },
        { 1, 0 }, { 2, -40 }, { 3, 90 }, { 3, -1 },
        { 5, 0 }, { 5, 90 },
    };

    [Theory]
    [MemberData(nameof(Damaged))]
    public void Should_recover_exactly_the_other_records_in_order_when_junk_replaces_one(int damaged, int longer)
    {
        var sent = WriteLog(6);
        var log = File.ReadAllBytes(LogPath);
        var record = OutboxFormat.Scan(log).Records[damaged];
        var junk = Junk(record.FrameBytes + longer, seed: damaged);
        File.WriteAllBytes(LogPath, [.. log.AsSpan(0, (int)record.Offset), .. junk, .. log.AsSpan((int)record.Offset + record.FrameBytes)]);

        var expected = sent.Where((_, i) => i != damaged).ToList();
        using (var reopened = Outbox.Open(_dir.Path, Unbounded))
        {
            Assert.Equal(expected, reopened.PendingSeqs.Select(reopened.Get));
            if (damaged == sent.Count - 1)
            {
                // Junk at the end is a torn tail: nothing after it to resynchronise on.
                Assert.Equal((junk.Length, 0L), (reopened.TornBytes, reopened.CorruptBytes));
            }
            else
            {
                Assert.Equal((0L, (long)junk.Length), (reopened.TornBytes, reopened.CorruptBytes));
                Assert.Equal([new CorruptSpan(record.Offset, junk.Length)], reopened.CorruptAtOpen);
            }

            Assert.Equal(0, reopened.Quarantined);
            Assert.Null(reopened.Fault);
        }

        // The log was rewritten with the good records only: the junk is not met again.
        var scan = OutboxFormat.Scan(File.ReadAllBytes(LogPath));
        Assert.Equal((0L, 0L), (scan.CorruptBytes, scan.TornBytes));
        Assert.Equal(expected.Select(MessageSerializer.Encode), scan.Records.Select(r => r.Payload.ToArray()));
    }

    [Fact]
    public void Should_skip_a_record_whose_checksum_fails_and_keep_its_neighbours()
    {
        var sent = WriteLog(4);
        var log = File.ReadAllBytes(LogPath);
        var second = OutboxFormat.Scan(log).Records[1];
        // One bit flipped inside a number: still JSON, still a detection, but not what was written.
        var digit = log.AsSpan((int)second.Offset + OutboxFormat.HeaderBytes, second.FrameBytes - OutboxFormat.HeaderBytes).IndexOfAnyInRange((byte)'1', (byte)'8');
        log[second.Offset + OutboxFormat.HeaderBytes + digit] ^= 1;
        File.WriteAllBytes(LogPath, log);

        using var reopened = Outbox.Open(_dir.Path, Unbounded);
        Assert.Equal(new[] { sent[0], sent[2], sent[3] }, reopened.PendingSeqs.Select(reopened.Get));
        Assert.Equal(second.FrameBytes, reopened.CorruptBytes);
    }

    public static TheoryData<string> WrongShapes => new()
    {
        "{\"type\":\"growth_detected\",\"pid\":\"notanumber\"}",
        "{}",
        "not json at all",
        "[1,2,3]",
        "null",
    };

    [Theory]
    [MemberData(nameof(WrongShapes))]
    public void Should_quarantine_a_framed_record_that_is_not_a_detection_and_recover_the_others(string json)
    {
        var sent = Enumerable.Range(0, 4).Select(n => SyntheticDetections.Of(n, 2, "test-host")).ToList();
        var wrong = System.Text.Encoding.UTF8.GetBytes(json);
        var frames = sent.Select(d => OutboxFormat.Frame(MessageSerializer.Encode(d))).ToList();
        frames.Insert(2, OutboxFormat.Frame(wrong));
        File.WriteAllBytes(LogPath, [.. frames.SelectMany(f => f)]);
        var wrongAt = frames.Take(2).Sum(f => f.Length);

        using (var reopened = Outbox.Open(_dir.Path, Unbounded))
        {
            Assert.Equal(sent, reopened.PendingSeqs.Select(reopened.Get));
            Assert.Equal(1, reopened.Quarantined);
            var quarantined = Assert.Single(reopened.QuarantinedAtOpen);
            Assert.Equal((wrongAt, wrong.Length), (quarantined.Offset, quarantined.Bytes));
            Assert.False(string.IsNullOrWhiteSpace(quarantined.Reason));
            Assert.Equal((0L, 0L), (reopened.CorruptBytes, reopened.TornBytes));
        }

        var line = Assert.Single(File.ReadAllLines(QuarantinePath));
        using var entry = JsonDocument.Parse(line);
        Assert.Equal(wrongAt, entry.RootElement.GetProperty("offset").GetInt64());
        Assert.Equal(wrong, entry.RootElement.GetProperty("bytes").GetBytesFromBase64());
        Assert.False(string.IsNullOrWhiteSpace(entry.RootElement.GetProperty("reason").GetString()));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(QuarantinePath));

        // Taken out of the log: a second start neither delivers nor quarantines it again.
        using var again = Outbox.Open(_dir.Path, Unbounded);
        Assert.Equal(sent, again.PendingSeqs.Select(again.Get));
        Assert.Equal(0, again.Quarantined);
        Assert.Single(File.ReadAllLines(QuarantinePath));
    }

    [Fact]
    public void Should_quarantine_a_detection_that_decodes_but_no_node_could_have_written()
    {
        var sent = Enumerable.Range(0, 3).Select(n => SyntheticDetections.Of(n, 3, "test-host")).ToList();
        var noPid = sent[1] with { Process = sent[1].Process with { Key = sent[1].Process.Key with { Pid = 0 } } };
        Assert.NotNull(DetectionCheck.Problem(noPid));
        File.WriteAllBytes(LogPath, [.. new[] { sent[0], noPid, sent[2] }.SelectMany(d => OutboxFormat.Frame(MessageSerializer.Encode(d)))]);

        using var reopened = Outbox.Open(_dir.Path, Unbounded);
        Assert.Equal(new[] { sent[0], sent[2] }, reopened.PendingSeqs.Select(reopened.Get));
        Assert.Equal(DetectionCheck.Problem(noPid), Assert.Single(reopened.QuarantinedAtOpen).Reason);
    }

    [Fact]
    public void Should_read_a_log_of_the_format_before_framing_and_rewrite_it_framed()
    {
        var sent = Enumerable.Range(0, 5).Select(n => SyntheticDetections.Of(n, 2, "test-host")).ToList();
        var noPid = sent[1] with { Process = sent[1].Process with { Key = sent[1].Process.Key with { Pid = 0 } } };
        var legacy = new[] { sent[0], noPid, sent[2], sent[3], sent[4] }.SelectMany(d => LegacyFrame(MessageSerializer.Encode(d))).ToArray();
        var torn = LegacyFrame(MessageSerializer.Encode(sent[0]))[..^5];
        File.WriteAllBytes(LogPath, [.. legacy, .. torn]);
        Assert.True(OutboxFormat.Scan(File.ReadAllBytes(LogPath)).Legacy);

        var later = SyntheticDetections.Of(10, 2, "test-host");
        var expected = new[] { sent[0], sent[2], sent[3], sent[4] };
        using (var reopened = Outbox.Open(_dir.Path, Unbounded))
        {
            Assert.Equal(expected, reopened.PendingSeqs.Select(reopened.Get));
            Assert.Equal((1L, torn.Length), (reopened.Quarantined, reopened.TornBytes));
            reopened.Append(later);
        }

        var scan = OutboxFormat.Scan(File.ReadAllBytes(LogPath));
        Assert.False(scan.Legacy);
        Assert.Equal(expected.Append(later).Select(MessageSerializer.Encode), scan.Records.Select(r => r.Payload.ToArray()));
        using var again = Outbox.Open(_dir.Path, Unbounded);
        Assert.Equal(expected.Append(later), again.PendingSeqs.Select(again.Get));
        Assert.Equal((0L, 0L, 0L), (again.Quarantined, again.TornBytes, again.CorruptBytes));
    }

    [Fact]
    public void Should_frame_records_as_documented()
    {
        var payload = "{\"a\":1}"u8.ToArray();
        var frame = OutboxFormat.Frame(payload);

        Assert.Equal(new byte[] { 0xFF, 0x4D, 0x47, 0xFE }, frame[..4]);
        Assert.Equal(payload.Length, BinaryPrimitives.ReadInt32LittleEndian(frame.AsSpan(4)));
        Assert.Equal(System.IO.Hashing.Crc32.HashToUInt32([.. frame[4..8], .. payload]), BinaryPrimitives.ReadUInt32LittleEndian(frame.AsSpan(8)));
        Assert.Equal(payload, frame[12..]);
    }

    private List<Detection> WriteLog(int count)
    {
        var sent = Enumerable.Range(0, count).Select(n => SyntheticDetections.Of(n, 3, "test-host")).ToList();
        using var outbox = Outbox.Open(_dir.Path, Unbounded);
        sent.ForEach(d => outbox.Append(d));
        return sent;
    }

    // Random bytes that hold no record marker (as junk almost always does not).
    private static byte[] Junk(int length, int seed)
    {
        var junk = new byte[length];
        new Random(seed).NextBytes(junk);
        for (var at = junk.AsSpan().IndexOf(OutboxFormat.Magic); at >= 0; at = junk.AsSpan().IndexOf(OutboxFormat.Magic))
        {
            junk[at] = 0;
        }

        return junk;
    }

    private static byte[] LegacyFrame(byte[] payload)
    {
        var frame = new byte[payload.Length + 4];
        BinaryPrimitives.WriteInt32LittleEndian(frame, payload.Length);
        payload.CopyTo(frame, 4);
        return frame;
    }
}
