using System.Buffers.Binary;
using System.Runtime.Serialization;
using MemGrowth.Shared.Messages;

namespace MemGrowth.NodeAgent.Delivery;

/// <summary>
/// An agent's detections that no analytics node has journaled yet, on disk: an append-only log
/// (<c>outbox.log</c>: a 4-byte little-endian length, then the detection's JSON as journaled) that is
/// rewritten with only the unacknowledged records once the acknowledged ones outweigh them. Appends reach
/// the OS at once (an agent killed with SIGKILL loses nothing); <see cref="Sync"/> makes them durable.
/// Bounded: past <c>maxBytes</c> of unacknowledged records a new detection is refused and counted.
/// Sequence numbers are per open: a restarted agent numbers its recovered records afresh.
/// Not thread-safe: one owner (the delivery actor).
/// </summary>
internal sealed class Outbox : IDisposable
{
    private const string FileName = "outbox.log";
    private const string Manifest = "detection.v1";
    private const int HeaderBytes = 4;

    /// <summary>Acknowledged bytes still in the file before it is rewritten: at least this, and at least what is pending.</summary>
    private const long CompactAfterBytes = 1 << 20;

    /// <summary>Once nothing is pending, acknowledged bytes kept before the log is emptied.</summary>
    private const long CompactDrainedAfterBytes = 64 << 10;

    private readonly string _path;
    private readonly long _maxBytes;
    // By sequence number. Numbers are handed out in order, so the pending ones, oldest first, are those
    // from _oldest up to _nextSeq still here (a sorted dictionary cost the producer a tenth of its CPU at
    // 20,000 detections/s, in tree nodes and lookups).
    private readonly Dictionary<long, byte[]> _pending = new();
    private long _oldest = 1;
    private FileStream _file;
    private long _nextSeq = 1;
    private long _ackedBytesInFile;

    private Outbox(string dir, long maxBytes)
    {
        _path = Path.Combine(dir, FileName);
        _maxBytes = maxBytes;
        _file = null!;
    }

    /// <summary>Bytes of unacknowledged records (what the bound counts).</summary>
    public long PendingBytes { get; private set; }

    public int PendingCount => _pending.Count;

    /// <summary>Detections refused because the outbox was full.</summary>
    public long Dropped { get; private set; }

    /// <summary>Bytes of a torn record found at the end of the log when it was opened (a crash mid-append), dropped.</summary>
    public long TornBytes { get; private set; }

    public long MaxBytes => _maxBytes;

    /// <summary>Opens (creating) the outbox in <paramref name="dir"/>, recovering what it held.</summary>
    /// <exception cref="ArgumentException">The directory cannot be created or the log cannot be opened.</exception>
    public static Outbox Open(string dir, long maxBytes)
    {
        var outbox = new Outbox(dir, maxBytes);
        try
        {
            Directory.CreateDirectory(dir);
            outbox.Recover();
            outbox._file = new FileStream(outbox._path, FileMode.Append, FileAccess.Write, FileShare.Read, 64 << 10);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ArgumentException($"outbox {dir}: {e.Message} (set memgrowth.fleet.agent.outbox-dir or MEMGROWTH_OUTBOX_DIR)", e);
        }

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

    /// <summary>The oldest record waiting, or null when none is.</summary>
    public long? OldestSeq => _pending.Count == 0 ? null : Oldest();

    /// <summary>Appends a detection; its sequence number, or null when the outbox is full (counted in <see cref="Dropped"/>).</summary>
    public long? Append(Detection detection)
    {
        var payload = MessageSerializer.Encode(detection);
        if (PendingBytes + payload.Length + HeaderBytes > _maxBytes)
        {
            Dropped++;
            return null;
        }

        Span<byte> header = stackalloc byte[HeaderBytes];
        BinaryPrimitives.WriteInt32LittleEndian(header, payload.Length);
        _file.Write(header);
        _file.Write(payload);
        _file.Flush(flushToDisk: false);
        var seq = _nextSeq++;
        _pending.Add(seq, payload);
        PendingBytes += payload.Length + HeaderBytes;
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

        PendingBytes -= payload.Length + HeaderBytes;
        _ackedBytesInFile += payload.Length + HeaderBytes;
        if (_ackedBytesInFile >= Math.Max(CompactAfterBytes, PendingBytes) || (_pending.Count == 0 && _ackedBytesInFile >= CompactDrainedAfterBytes))
        {
            Compact();
        }
    }

    /// <summary>Makes every append so far durable (fsync).</summary>
    public void Sync() => _file.Flush(flushToDisk: true);

    /// <summary>Closes the log, first dropping what was acknowledged, so a restart resends nothing settled.</summary>
    public void Dispose()
    {
        if (_ackedBytesInFile > 0)
        {
            Compact();
        }

        _file.Flush(flushToDisk: true);
        _file.Dispose();
    }

    // Rewrites the log with only what is pending, atomically (write aside, fsync, rename).
    private void Compact()
    {
        _file.Dispose();
        var temp = _path + ".tmp";
        using (var rewrite = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None, 64 << 10))
        {
            Span<byte> header = stackalloc byte[HeaderBytes];
            foreach (var payload in PendingSeqs.Select(seq => _pending[seq]))
            {
                BinaryPrimitives.WriteInt32LittleEndian(header, payload.Length);
                rewrite.Write(header);
                rewrite.Write(payload);
            }

            rewrite.Flush(flushToDisk: true);
        }

        File.Move(temp, _path, overwrite: true);
        _file = new FileStream(_path, FileMode.Append, FileAccess.Write, FileShare.Read, 64 << 10);
        _ackedBytesInFile = 0;
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

    private void Recover()
    {
        if (!File.Exists(_path))
        {
            return;
        }

        var bytes = File.ReadAllBytes(_path);
        var offset = 0;
        while (offset < bytes.Length)
        {
            if (bytes.Length - offset < HeaderBytes)
            {
                break;
            }

            var length = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(offset));
            if (length <= 0 || length > bytes.Length - offset - HeaderBytes)
            {
                break;
            }

            var payload = bytes.AsSpan(offset + HeaderBytes, length).ToArray();
            try
            {
                _ = (Detection)MessageSerializer.Decode(payload, Manifest);
            }
            catch (SerializationException)
            {
                break;
            }

            _pending.Add(_nextSeq++, payload);
            PendingBytes += length + HeaderBytes;
            offset += length + HeaderBytes;
        }

        TornBytes = bytes.Length - offset;
        if (TornBytes > 0)
        {
            // Cut the torn tail off now, so new records do not land behind it.
            using var file = new FileStream(_path, FileMode.Open, FileAccess.Write);
            file.SetLength(offset);
            file.Flush(flushToDisk: true);
        }
    }
}
