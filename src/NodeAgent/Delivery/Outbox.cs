using System.Diagnostics;
using System.Runtime.Serialization;
using MemGrowth.Shared.Messages;

namespace MemGrowth.NodeAgent.Delivery;

/// <summary>A record of the log set aside when it was opened: where it was, why, how many bytes.</summary>
public readonly record struct QuarantinedRecord(long Offset, int Bytes, string Reason);

/// <summary>
/// An agent's detections that no analytics node has journaled yet, on disk: an append-only log
/// (<c>outbox.log</c>, framed as <see cref="OutboxFormat"/> says) that is rewritten with only the
/// unacknowledged records once the acknowledged ones outweigh them. Appends reach the OS at once (an agent
/// killed with SIGKILL loses nothing); <see cref="Sync"/> makes them durable. Bounded: past <c>maxBytes</c>
/// of unacknowledged records a new detection is refused and counted. Sequence numbers are per open: a
/// restarted agent numbers its recovered records afresh. Not thread-safe: one owner (the delivery actor).
/// <para>
/// Reading: bytes that do not frame are skipped up to the next record (<see cref="CorruptBytes"/>); a record
/// that frames but is not a detection a node could write (<see cref="DetectionCheck"/>) is never delivered:
/// it is appended to <c>outbox.quarantine</c> beside the log (one JSON line: offset, reason, base64 bytes)
/// and counted (<see cref="Quarantined"/>); a torn tail is cut off (<see cref="TornBytes"/>). Either way the
/// log is then rewritten with just the good records.
/// </para>
/// <para>
/// Storage faults never lose an accepted detection and never throw: a failed write, fsync or rewrite (disk
/// full, I/O error, the log or its directory removed) keeps every record pending in memory (still delivered,
/// still counted by the bound), counts the failure (<see cref="WriteFailures"/>), and sets <see cref="Fault"/>;
/// from then on appends stay in memory, and the log is repaired by rewriting the whole pending set atomically
/// (temp file, fsync, rename) at the next <see cref="Sync"/>, <see cref="Repair"/>, or append at least a
/// second after the last try. The invariant: whenever <see cref="Fault"/> is null, the log holds every
/// pending record, so a restart recovers at least every detection not yet acknowledged.
/// </para>
/// <para>
/// Opening fails (<see cref="ArgumentException"/>) only when the directory cannot be made or the log cannot
/// be read: starting empty over an unread log would let the next rewrite destroy it. A log that can be read
/// but not written (a full or read-only disk) opens with <see cref="Fault"/> set: what it held is delivered,
/// and the log is repaired once it can be written. The directory is created 0700 and the files 0600
/// (command lines can hold secrets); an existing directory's mode is left alone (it may be shared).
/// </para>
/// </summary>
public sealed class Outbox : IDisposable
{
    private const string FileName = "outbox.log";
    private const string QuarantineName = "outbox.quarantine";
    private const string Manifest = "detection.v1";

    /// <summary>Acknowledged bytes still in the file before it is rewritten: at least this, and at least what is pending.</summary>
    private const long CompactAfterBytes = 1 << 20;

    /// <summary>Once nothing is pending, acknowledged bytes kept before the log is emptied.</summary>
    private const long CompactDrainedAfterBytes = 64 << 10;

    /// <summary>While the log cannot be written, appends try to repair it at most this often (a rewrite costs the whole pending set).</summary>
    private static readonly TimeSpan RepairEvery = TimeSpan.FromSeconds(1);

    private readonly string _dir;
    private readonly string _path;
    private readonly long _maxBytes;
    // By sequence number. Numbers are handed out in order, so the pending ones, oldest first, are those
    // from _oldest up to _nextSeq still here (a sorted dictionary cost the producer a tenth of its CPU at
    // 20,000 detections/s, in tree nodes and lookups).
    private readonly Dictionary<long, byte[]> _pending = new();
    private readonly List<QuarantinedRecord> _quarantinedAtOpen = [];
    private readonly List<CorruptSpan> _corruptAtOpen = [];
    private long _oldest = 1;
    // Null while the log cannot be written (Fault is set).
    private FileStream? _file;
    private long _nextSeq = 1;
    private long _ackedBytesInFile;
    private long _lastRepairTry;
    private byte[] _frame = new byte[4096];
    private bool _disposed;

    private Outbox(string dir, long maxBytes)
    {
        _dir = Path.GetFullPath(dir);
        _path = Path.Combine(_dir, FileName);
        _maxBytes = maxBytes;
    }

    /// <summary>Bytes of unacknowledged records as framed in the log (what the bound counts).</summary>
    public long PendingBytes { get; private set; }

    public int PendingCount => _pending.Count;

    /// <summary>Detections refused because the outbox was full.</summary>
    public long Dropped { get; private set; }

    /// <summary>Bytes of a torn record found at the end of the log when it was opened (a crash mid-append), dropped.</summary>
    public long TornBytes { get; private set; }

    /// <summary>Bytes between records that framed as nothing when the log was opened, skipped.</summary>
    public long CorruptBytes { get; private set; }

    /// <summary>Records that framed but were not a node's detections when the log was opened: in <see cref="QuarantinePath"/>, never delivered.</summary>
    public long Quarantined { get; private set; }

    /// <summary>Writes, fsyncs and rewrites of the log that failed (each retry counts).</summary>
    public long WriteFailures { get; private set; }

    /// <summary>Why the log is not being written (it does not hold every pending record), or null when it is.</summary>
    public string? Fault { get; private set; }

    /// <summary>Where each quarantined record was and why, from the last open.</summary>
    public IReadOnlyList<QuarantinedRecord> QuarantinedAtOpen => _quarantinedAtOpen;

    /// <summary>The corrupt spans skipped at the last open.</summary>
    public IReadOnlyList<CorruptSpan> CorruptAtOpen => _corruptAtOpen;

    public long MaxBytes => _maxBytes;

    public string DirectoryPath => _dir;

    public string LogPath => _path;

    public string QuarantinePath => Path.Combine(_dir, QuarantineName);

    /// <summary>Opens (creating) the outbox in <paramref name="dir"/>, recovering what it held.</summary>
    /// <exception cref="ArgumentException">The directory cannot be created or the log cannot be read.</exception>
    public static Outbox Open(string dir, long maxBytes)
    {
        var outbox = new Outbox(dir, maxBytes);
        LogScan scan;
        byte[] bytes;
        try
        {
            OwnerOnlyFiles.CreateDirectory(outbox._dir);
            bytes = File.Exists(outbox._path) ? File.ReadAllBytes(outbox._path) : [];
            scan = OutboxFormat.Scan(bytes);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ArgumentException($"outbox {dir}: {e.Message} (set memgrowth.fleet.agent.outbox-dir or MEMGROWTH_OUTBOX_DIR)", e);
        }

        outbox.Recover(scan);
        return outbox;
    }

    /// <summary>Sequence numbers of the records waiting, oldest first.</summary>
    public IEnumerable<long> PendingSeqs
    {
        get
        {
            for (var seq = Oldest(); seq < _nextSeq; seq++)
            {
                if (_pending.ContainsKey(seq))
                {
                    yield return seq;
                }
            }
        }
    }

    /// <summary>
    /// Appends a detection; its sequence number, or null when the outbox is full (counted in <see cref="Dropped"/>).
    /// An accepted detection is pending even when the log cannot be written (see <see cref="Fault"/>).
    /// </summary>
    public long? Append(Detection detection)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var payload = MessageSerializer.Encode(detection);
        var bytes = OutboxFormat.FrameBytes(payload.Length);
        if (PendingBytes + bytes > _maxBytes)
        {
            Dropped++;
            return null;
        }

        // Pending first: if the write fails, the repair rewrites it with the rest.
        var seq = _nextSeq++;
        _pending.Add(seq, payload);
        PendingBytes += bytes;
        if (_file is not null)
        {
            Write(payload);
        }
        else if (Stopwatch.GetElapsedTime(_lastRepairTry) >= RepairEvery)
        {
            Repair();
        }

        return seq;
    }

    /// <summary>The detection behind a pending sequence number.</summary>
    public Detection Get(long seq) => (Detection)MessageSerializer.Decode(_pending[seq], Manifest);

    public bool IsPending(long seq) => _pending.ContainsKey(seq);

    /// <summary>A pending detection as journaled (its "detection.v1" JSON), not read.</summary>
    public ReadOnlyMemory<byte> Encoded(long seq) => _pending[seq];

    /// <summary>Bytes of a pending detection as journaled (its JSON).</summary>
    public int SizeOf(long seq) => _pending[seq].Length;

    /// <summary>An analytics node journaled <paramref name="seq"/>: forget it. Unknown or repeated acks are ignored.</summary>
    public void Ack(long seq)
    {
        if (!_pending.Remove(seq, out var payload))
        {
            return;
        }

        var bytes = OutboxFormat.FrameBytes(payload.Length);
        PendingBytes -= bytes;
        _ackedBytesInFile += bytes;
        if (_file is not null
            && (_ackedBytesInFile >= Math.Max(CompactAfterBytes, PendingBytes) || (_pending.Count == 0 && _ackedBytesInFile >= CompactDrainedAfterBytes)))
        {
            Rewrite();
        }
    }

    /// <summary>
    /// Makes every append so far durable (fsync); checks that the log is still where it was (not removed
    /// with or without its directory). While <see cref="Fault"/> is set, tries to repair the log instead.
    /// </summary>
    public void Sync()
    {
        if (_file is null)
        {
            Repair();
            return;
        }

        if (!StillLinked(_file))
        {
            // Appends went to a file no one will read again: they are pending in memory, rewritten at the repair.
            Fail($"{FileName} was removed");
            return;
        }

        try
        {
            _file.Flush(flushToDisk: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Fail(OwnerOnlyFiles.Reason(e));
        }
    }

    /// <summary>
    /// Rewrites the log with every pending record now (recreating its directory if it was removed), when
    /// <see cref="Fault"/> is set; whether the log now holds every pending record.
    /// </summary>
    public bool Repair() => _file is not null || Rewrite();

    /// <summary>Closes the log, first dropping what was acknowledged, so a restart resends nothing settled. Never throws for storage faults: see <see cref="Fault"/> afterwards.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        if (_file is null || _ackedBytesInFile > 0)
        {
            Rewrite();
        }

        if (_file is not null)
        {
            try
            {
                _file.Flush(flushToDisk: true);
            }
            catch (IOException e)
            {
                Fail(OwnerOnlyFiles.Reason(e));
            }
        }

        Close();
        _disposed = true;
    }

    private void Write(byte[] payload)
    {
        var frame = FrameInScratch(payload);
        try
        {
            // Unbuffered: one write(2) per record, so it reaches the OS at once.
            _file!.Write(frame);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Fail(OwnerOnlyFiles.Reason(e));
        }
    }

    private ReadOnlySpan<byte> FrameInScratch(byte[] payload)
    {
        var bytes = OutboxFormat.FrameBytes(payload.Length);
        if (_frame.Length < bytes)
        {
            _frame = new byte[Math.Max(bytes, _frame.Length * 2)];
        }

        return _frame.AsSpan(0, OutboxFormat.Frame(payload, _frame));
    }

    // Rewrites the log with only what is pending, atomically (write aside, fsync, rename), then appends to
    // it. On failure the current log (if any) is left as it was, the temp file removed, and Fault set.
    private bool Rewrite()
    {
        _lastRepairTry = Stopwatch.GetTimestamp();
        var temp = _path + ".tmp";
        try
        {
            OwnerOnlyFiles.CreateDirectory(_dir);
            File.Delete(temp); // a leftover would keep its mode
            using (var rewrite = new FileStream(temp, OwnerOnlyFiles.WriteOptions(FileMode.CreateNew, 64 << 10)))
            {
                foreach (var payload in PendingSeqs.Select(seq => _pending[seq]))
                {
                    rewrite.Write(FrameInScratch(payload));
                }

                rewrite.Flush(flushToDisk: true);
            }

            File.Move(temp, _path, overwrite: true);
            var file = new FileStream(_path, OwnerOnlyFiles.WriteOptions(FileMode.Append, 0));
            Close();
            _file = file;
            _ackedBytesInFile = 0;
            Fault = null;
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            try
            {
                File.Delete(temp);
            }
            catch (Exception cleanup) when (cleanup is IOException or UnauthorizedAccessException)
            {
                // The next rewrite removes it.
            }

            Fail(OwnerOnlyFiles.Reason(e));
            return false;
        }
    }

    private void Fail(string reason)
    {
        WriteFailures++;
        Fault = reason;
        _lastRepairTry = Stopwatch.GetTimestamp();
        Close();
    }

    private void Close()
    {
        // Unbuffered, so closing writes nothing and cannot fail for want of space.
        _file?.Dispose();
        _file = null;
    }

    private void Recover(LogScan scan)
    {
        TornBytes = scan.TornBytes;
        _corruptAtOpen.AddRange(scan.Corrupt);
        CorruptBytes = scan.CorruptBytes;
        var quarantine = new List<(FramedRecord Record, string Reason)>();
        foreach (var record in scan.Records)
        {
            var payload = record.Payload.ToArray();
            if (Check(payload) is { } problem)
            {
                quarantine.Add((record, problem));
                continue;
            }

            _pending.Add(_nextSeq++, payload);
            PendingBytes += OutboxFormat.FrameBytes(payload.Length);
        }

        if (quarantine.Count > 0)
        {
            Quarantine(quarantine);
        }

        try
        {
            if (File.Exists(_path) && !OperatingSystem.IsWindows())
            {
                // A log written by an older agent may be readable by all.
                File.SetUnixFileMode(_path, OwnerOnlyFiles.FileMode);
            }

            if (scan.Legacy || scan.Corrupt.Count > 0 || quarantine.Count > 0)
            {
                // Only the good records, framed: corrupt bytes are not met again, nor quarantined twice.
                Rewrite();
                return;
            }

            if (scan.TornBytes > 0)
            {
                // Cut the torn tail off now, so new records do not land behind it.
                using var file = new FileStream(_path, FileMode.Open, FileAccess.Write);
                file.SetLength(scan.ValidEnd);
                file.Flush(flushToDisk: true);
            }

            _file = new FileStream(_path, OwnerOnlyFiles.WriteOptions(FileMode.Append, 0));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Fail(OwnerOnlyFiles.Reason(e));
        }
    }

    private static string? Check(byte[] payload)
    {
        try
        {
            return DetectionCheck.Problem(MessageSerializer.Decode(payload, Manifest) as Detection);
        }
        catch (SerializationException e)
        {
            return e.Message;
        }
    }

    // Best effort: on a disk that cannot take it, the records are still never delivered, and the delivery
    // actor logs where each was and why.
    private void Quarantine(List<(FramedRecord Record, string Reason)> records)
    {
        Quarantined += records.Count;
        string? notSaved = null;
        try
        {
            OutboxQuarantine.Append(QuarantinePath, _path, records);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            WriteFailures++;
            notSaved = $" (not saved in {QuarantineName}: {OwnerOnlyFiles.Reason(e)})";
        }

        _quarantinedAtOpen.AddRange(records.Select(q => new QuarantinedRecord(q.Record.Offset, q.Record.Payload.Length, q.Reason + notSaved)));
    }

    // Whether the open log is still the file at its path: one removed (or its directory) shows in
    // /proc/self/fd as "... (deleted)", and appends to it would be lost at the next start.
    private bool StillLinked(FileStream file)
    {
        var fd = file.SafeFileHandle.DangerousGetHandle();
        string? target = null;
        try
        {
            target = new FileInfo($"/proc/self/fd/{fd}").LinkTarget;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // No /proc: fall back to the path.
        }

        return target is null ? File.Exists(_path) : !target.EndsWith(" (deleted)", StringComparison.Ordinal);
    }

    // The smallest pending sequence number (or _nextSeq): moves forward past what was acknowledged.
    private long Oldest()
    {
        while (_oldest < _nextSeq && !_pending.ContainsKey(_oldest))
        {
            _oldest++;
        }

        return _oldest;
    }
}
