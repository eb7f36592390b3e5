using System.Buffers.Binary;
using System.Runtime.Versioning;
using MemGrowth.NodeAgent.Delivery;
using MemGrowth.Shared.Messages;
using Xunit;

namespace MemGrowth.NodeAgent.Tests.Delivery;

/// <summary>
/// The outbox on storage that fails under it: a real tmpfs filled to ENOSPC, the log or its directory
/// removed. The invariant: an accepted detection is never lost from what is pending, and once the log can be
/// written again it holds every pending record, so a restart recovers every unacknowledged detection.
/// </summary>
[SupportedOSPlatform("linux")]
public sealed class OutboxStorageFaultTests : IDisposable
{
    private const long Unbounded = 1L << 30;
    private const UnixFileMode OwnerOnlyFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode OwnerOnlyDirectory = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private readonly TempDir _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Should_hold_every_detection_while_the_disk_is_full_and_write_them_all_once_it_is_not()
    {
        using var tmpfs = new SmallTmpfs("1m");
        var dir = Path.Combine(tmpfs.Path, "outbox");
        var sent = Enumerable.Range(0, 60).Select(n => SyntheticDetections.Of(n, 4, "test-host")).ToList();
        var outbox = Outbox.Open(dir, Unbounded);
        try
        {
            sent.Take(10).ToList().ForEach(d => Assert.NotNull(outbox.Append(d)));
            Assert.Null(outbox.Fault);
            tmpfs.Fill();

            sent.Skip(10).ToList().ForEach(d => Assert.NotNull(outbox.Append(d)));
            Assert.NotNull(outbox.Fault);
            Assert.Contains("No space left on device", outbox.Fault, StringComparison.Ordinal);
            Assert.True(outbox.WriteFailures > 0);
            Assert.Equal(sent, outbox.PendingSeqs.Select(outbox.Get));

            // Acknowledged while full, some from before the fault, some after; the rest must survive.
            foreach (var seq in new long[] { 2, 5, 20, 33, 60 })
            {
                outbox.Ack(seq);
            }

            outbox.Sync(); // the delivery actor's tick: the repair fails while the disk is still full
            Assert.NotNull(outbox.Fault);
            Assert.False(File.Exists(outbox.LogPath + ".tmp"), "a failed rewrite left its temp file taking space");

            tmpfs.Free();
            outbox.Sync();
            Assert.Null(outbox.Fault);
            var expected = sent.Where((_, i) => i + 1 is not (2 or 5 or 20 or 33 or 60)).ToList();
            AssertLogHolds(outbox.LogPath, expected);

            var later = SyntheticDetections.Of(100, 4, "test-host");
            outbox.Append(later);
            expected.Add(later);
            AssertLogHolds(outbox.LogPath, expected);
        }
        finally
        {
            outbox.Dispose();
        }

        using var reopened = Outbox.Open(dir, Unbounded);
        Assert.Equal(sent.Where((_, i) => i + 1 is not (2 or 5 or 20 or 33 or 60)).Append(SyntheticDetections.Of(100, 4, "test-host")), reopened.PendingSeqs.Select(reopened.Get));
    }

    [Fact]
    public void Should_keep_the_old_log_whole_when_a_compaction_fails_on_a_full_disk()
    {
        using var tmpfs = new SmallTmpfs("4m");
        var dir = Path.Combine(tmpfs.Path, "outbox");
        var sent = Enumerable.Range(0, 3000).Select(n => SyntheticDetections.Of(n, 10, "test-host")).ToList();
        var outbox = Outbox.Open(dir, Unbounded);
        try
        {
            sent.ForEach(d => Assert.NotNull(outbox.Append(d)));
            var written = File.ReadAllBytes(outbox.LogPath);
            Assert.True(written.Length > 2 << 20, $"the test needs more than 2 MiB of records, has {written.Length}");
            tmpfs.Fill();

            // Enough acks to pass the 1 MiB that starts a compaction, which cannot write its copy.
            var acked = 0;
            while (outbox.Fault is null && acked < sent.Count - 1)
            {
                outbox.Ack(++acked);
            }

            Assert.NotNull(outbox.Fault);
            Assert.Equal(written, File.ReadAllBytes(outbox.LogPath)); // untouched: a restart would resend, not lose
            Assert.False(File.Exists(outbox.LogPath + ".tmp"));

            var later = SyntheticDetections.Of(5000, 10, "test-host");
            outbox.Append(later); // held in memory: the log is no longer appended to
            Assert.Equal(written, File.ReadAllBytes(outbox.LogPath));

            tmpfs.Free();
            Assert.True(outbox.Repair());
            AssertLogHolds(outbox.LogPath, sent.Skip(acked).Append(later));
        }
        finally
        {
            outbox.Dispose();
        }
    }

    [Fact]
    public void Should_open_a_log_it_cannot_rewrite_on_a_full_disk_deliver_it_and_rewrite_it_later()
    {
        using var tmpfs = new SmallTmpfs("1m");
        var dir = Path.Combine(tmpfs.Path, "outbox");
        Directory.CreateDirectory(dir);
        var sent = Enumerable.Range(0, 5).Select(n => SyntheticDetections.Of(n, 2, "test-host")).ToList();
        // A log of an agent from before framing: it must be rewritten framed before anything is appended.
        var legacy = sent.SelectMany(d =>
        {
            var payload = MessageSerializer.Encode(d);
            var frame = new byte[payload.Length + 4];
            BinaryPrimitives.WriteInt32LittleEndian(frame, payload.Length);
            payload.CopyTo(frame, 4);
            return frame;
        }).ToArray();
        var log = Path.Combine(dir, "outbox.log");
        File.WriteAllBytes(log, legacy);
        tmpfs.Fill();

        using var outbox = Outbox.Open(dir, Unbounded);
        Assert.Equal(sent, outbox.PendingSeqs.Select(outbox.Get));
        Assert.NotNull(outbox.Fault);
        var later = SyntheticDetections.Of(5, 2, "test-host");
        outbox.Append(later);
        Assert.Equal(legacy, File.ReadAllBytes(log)); // the old log is left as it was until it can be replaced

        tmpfs.Free();
        outbox.Sync();
        Assert.Null(outbox.Fault);
        AssertLogHolds(log, sent.Append(later));
    }

    [Fact]
    public void Should_write_the_log_again_when_it_was_removed()
    {
        var dir = Path.Combine(_temp.Path, "outbox");
        var sent = Enumerable.Range(0, 6).Select(n => SyntheticDetections.Of(n, 3, "test-host")).ToList();
        using var outbox = Outbox.Open(dir, Unbounded);
        sent.Take(3).ToList().ForEach(d => outbox.Append(d));
        File.Delete(outbox.LogPath);
        sent.Skip(3).ToList().ForEach(d => outbox.Append(d)); // into the removed file, which no restart would read
        outbox.Ack(1);

        outbox.Sync();
        Assert.Contains("removed", outbox.Fault, StringComparison.Ordinal);
        outbox.Sync();

        Assert.Null(outbox.Fault);
        AssertLogHolds(outbox.LogPath, sent.Skip(1));
        Assert.Equal(OwnerOnlyFile, File.GetUnixFileMode(outbox.LogPath));
    }

    [Fact]
    public void Should_make_the_directory_again_when_it_was_removed()
    {
        var dir = Path.Combine(_temp.Path, "outbox");
        var sent = Enumerable.Range(0, 6).Select(n => SyntheticDetections.Of(n, 3, "test-host")).ToList();
        var outbox = Outbox.Open(dir, Unbounded);
        try
        {
            sent.Take(2).ToList().ForEach(d => outbox.Append(d));
            Directory.Delete(dir, recursive: true);
            sent.Skip(2).ToList().ForEach(d => outbox.Append(d));

            outbox.Sync();
            Assert.NotNull(outbox.Fault);
            Assert.False(Directory.Exists(dir));
            outbox.Sync();

            Assert.Null(outbox.Fault);
            Assert.Equal(OwnerOnlyDirectory, File.GetUnixFileMode(dir));
            AssertLogHolds(outbox.LogPath, sent);
        }
        finally
        {
            outbox.Dispose();
        }

        using var reopened = Outbox.Open(dir, Unbounded);
        Assert.Equal(sent, reopened.PendingSeqs.Select(reopened.Get));
    }

    [Fact]
    public void Should_create_the_directory_and_files_for_the_owner_only()
    {
        var dir = Path.Combine(_temp.Path, "state", "outbox");
        using (var outbox = Outbox.Open(dir, Unbounded))
        {
            outbox.Append(SyntheticDetections.Of(0, 1, "test-host"));
            Assert.Equal(OwnerOnlyDirectory, File.GetUnixFileMode(dir));
            Assert.Equal(OwnerOnlyFile, File.GetUnixFileMode(outbox.LogPath));
        }

        // A log left readable by all (an older agent, a restore) is made the owner's only.
        var log = Path.Combine(dir, "outbox.log");
        File.SetUnixFileMode(log, OwnerOnlyFile | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        using (Outbox.Open(dir, Unbounded))
        {
            Assert.Equal(OwnerOnlyFile, File.GetUnixFileMode(log));
        }

        // An existing directory keeps its mode: it may be shared with other things.
        var shared = Path.Combine(_temp.Path, "shared");
        Directory.CreateDirectory(shared);
        File.SetUnixFileMode(shared, OwnerOnlyDirectory | UnixFileMode.GroupRead | UnixFileMode.GroupExecute);
        using (var outbox = Outbox.Open(shared, Unbounded))
        {
            outbox.Append(SyntheticDetections.Of(0, 1, "test-host"));
            Assert.Equal(OwnerOnlyFile, File.GetUnixFileMode(outbox.LogPath));
        }

        Assert.Equal(OwnerOnlyDirectory | UnixFileMode.GroupRead | UnixFileMode.GroupExecute, File.GetUnixFileMode(shared));
    }

    /// <summary>The log on disk holds exactly <paramref name="expected"/>, framed, in order, nothing else.</summary>
    internal static void AssertLogHolds(string log, IEnumerable<Detection> expected)
    {
        var scan = OutboxFormat.Scan(File.ReadAllBytes(log));
        Assert.False(scan.Legacy);
        Assert.Equal((0L, 0L), (scan.CorruptBytes, scan.TornBytes));
        Assert.Equal(expected.ToList(), scan.Records.Select(r => (Detection)MessageSerializer.Decode(r.Payload.Span, "detection.v1")).ToList());
    }
}
