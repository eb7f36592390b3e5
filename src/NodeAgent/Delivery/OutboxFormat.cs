using System.Buffers.Binary;
using System.IO.Hashing;

namespace MemGrowth.NodeAgent.Delivery;

/// <summary>One record found in an outbox log: where its frame starts, how long the frame is, its payload (a detection's JSON, not yet checked).</summary>
internal readonly record struct FramedRecord(long Offset, int FrameBytes, ReadOnlyMemory<byte> Payload);

/// <summary>Bytes between records that frame as nothing (corruption), skipped by a reader.</summary>
public readonly record struct CorruptSpan(long Offset, long Length);

/// <summary>What a scan of an outbox log found: its records in order, the corrupt spans between them, where the last good record ends.</summary>
internal sealed class LogScan(bool legacy, long length)
{
    /// <summary>Written by an agent before record framing (a 4-byte length, then JSON): read, then rewritten framed.</summary>
    public bool Legacy { get; } = legacy;

    public long Length { get; } = length;

    public List<FramedRecord> Records { get; } = [];

    public List<CorruptSpan> Corrupt { get; } = [];

    /// <summary>End of the last record that framed; what follows is a torn tail (a crash mid-append), cut off.</summary>
    public long ValidEnd { get; set; }

    public long TornBytes => Length - ValidEnd;

    public long CorruptBytes => Corrupt.Sum(span => span.Length);
}

/// <summary>
/// The framing of <c>outbox.log</c>. Each record is
/// <code>
///   magic   4 bytes  FF 4D 47 FE ("\xFF" "MG" "\xFE")
///   length  4 bytes  payload length, unsigned little-endian, 1 to <see cref="MaxPayload"/>
///   crc     4 bytes  CRC-32 (IEEE 802.3, as System.IO.Hashing.Crc32) of the length bytes then the payload, little-endian
///   payload length bytes: the detection's "detection.v1" JSON (UTF-8)
/// </code>
/// 0xFF and 0xFE never occur in UTF-8, so the magic can only appear in a header: a reader that meets
/// bytes that do not frame (bad magic, length or CRC) scans forward to the next magic and goes on, losing
/// only the corrupt bytes. Bytes after the last record that frames are a torn tail.
/// A log written before framing (legacy: a 4-byte little-endian length, then the JSON) never contains the
/// magic (the last byte of each length is 0, as records are far below 16 MiB, and the JSON between has
/// neither 0xFF nor 0xFE), which is how the two are told apart: a log with the magic anywhere in it is framed; a non-empty one without is legacy.
/// </summary>
internal static class OutboxFormat
{
    public const int HeaderBytes = 12;

    /// <summary>Largest payload a reader accepts (a detection is a few KiB; a longer length is corruption).</summary>
    public const int MaxPayload = 16 << 20;

    private const int LegacyHeaderBytes = 4;

    public static ReadOnlySpan<byte> Magic => [0xFF, 0x4D, 0x47, 0xFE];

    /// <summary>Bytes one record of <paramref name="payloadLength"/> takes in the log.</summary>
    public static int FrameBytes(int payloadLength) => HeaderBytes + payloadLength;

    /// <summary>Writes the frame of <paramref name="payload"/> into <paramref name="destination"/> (at least <see cref="FrameBytes"/> long).</summary>
    public static int Frame(ReadOnlySpan<byte> payload, Span<byte> destination)
    {
        Magic.CopyTo(destination);
        BinaryPrimitives.WriteInt32LittleEndian(destination[4..], payload.Length);
        payload.CopyTo(destination[HeaderBytes..]);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[8..], Checksum(destination.Slice(4, 4), payload));
        return FrameBytes(payload.Length);
    }

    public static byte[] Frame(ReadOnlySpan<byte> payload)
    {
        var frame = new byte[FrameBytes(payload.Length)];
        Frame(payload, frame);
        return frame;
    }

    /// <summary>Finds the records of a whole log.</summary>
    public static LogScan Scan(ReadOnlyMemory<byte> log)
    {
        var bytes = log.Span;
        return bytes.Length > 0 && bytes.IndexOf(Magic) < 0 ? ScanLegacy(log) : ScanFramed(log);
    }

    private static LogScan ScanFramed(ReadOnlyMemory<byte> log)
    {
        var bytes = log.Span;
        var scan = new LogScan(legacy: false, bytes.Length);
        var offset = 0;
        while (offset < bytes.Length)
        {
            if (TryFrame(bytes[offset..], out var payloadLength))
            {
                if (offset > scan.ValidEnd)
                {
                    scan.Corrupt.Add(new CorruptSpan(scan.ValidEnd, offset - scan.ValidEnd));
                }

                var frame = FrameBytes(payloadLength);
                scan.Records.Add(new FramedRecord(offset, frame, log.Slice(offset + HeaderBytes, payloadLength)));
                offset += frame;
                scan.ValidEnd = offset;
                continue;
            }

            var next = bytes[(offset + 1)..].IndexOf(Magic);
            if (next < 0)
            {
                break;
            }

            offset += 1 + next;
        }

        return scan;
    }

    // A legacy log has no way to find the next record past a bad length: the rest is torn, as before framing.
    private static LogScan ScanLegacy(ReadOnlyMemory<byte> log)
    {
        var bytes = log.Span;
        var scan = new LogScan(legacy: true, bytes.Length);
        var offset = 0;
        while (bytes.Length - offset >= LegacyHeaderBytes)
        {
            var length = BinaryPrimitives.ReadInt32LittleEndian(bytes[offset..]);
            if (length <= 0 || length > bytes.Length - offset - LegacyHeaderBytes)
            {
                break;
            }

            scan.Records.Add(new FramedRecord(offset, LegacyHeaderBytes + length, log.Slice(offset + LegacyHeaderBytes, length)));
            offset += LegacyHeaderBytes + length;
            scan.ValidEnd = offset;
        }

        return scan;
    }

    private static bool TryFrame(ReadOnlySpan<byte> at, out int payloadLength)
    {
        payloadLength = 0;
        if (at.Length < HeaderBytes || !at.StartsWith(Magic))
        {
            return false;
        }

        var length = BinaryPrimitives.ReadUInt32LittleEndian(at[4..]);
        if (length == 0 || length > MaxPayload || length > (uint)(at.Length - HeaderBytes))
        {
            return false;
        }

        if (BinaryPrimitives.ReadUInt32LittleEndian(at[8..]) != Checksum(at.Slice(4, 4), at.Slice(HeaderBytes, (int)length)))
        {
            return false;
        }

        payloadLength = (int)length;
        return true;
    }

    private static uint Checksum(ReadOnlySpan<byte> lengthBytes, ReadOnlySpan<byte> payload)
    {
        var crc = new Crc32();
        crc.Append(lengthBytes);
        crc.Append(payload);
        return crc.GetCurrentHashAsUInt32();
    }
}
