using System.Text.Json;

namespace MemGrowth.NodeAgent.Delivery;

/// <summary>
/// The outbox's records that framed but were not detections a node could write, kept aside in
/// <c>outbox.quarantine</c> (0600): one JSON line each, with when, which log, the record's offset, why, and
/// its bytes in base64, for whoever wants to see what was refused.
/// </summary>
internal static class OutboxQuarantine
{
    /// <exception cref="IOException">The file cannot be written (the caller counts it and goes on).</exception>
    /// <exception cref="UnauthorizedAccessException">The file cannot be written.</exception>
    public static void Append(string quarantinePath, string logPath, IReadOnlyList<(FramedRecord Record, string Reason)> records)
    {
        using var file = new FileStream(quarantinePath, OwnerOnlyFiles.WriteOptions(FileMode.Append, 64 << 10));
        using (var json = new Utf8JsonWriter(file))
        {
            foreach (var (record, reason) in records)
            {
                json.WriteStartObject();
                json.WriteString("time", DateTimeOffset.UtcNow);
                json.WriteString("log", logPath);
                json.WriteNumber("offset", record.Offset);
                json.WriteString("reason", reason);
                json.WriteBase64String("bytes", record.Payload.Span);
                json.WriteEndObject();
                json.Flush();
                json.Reset();
                file.WriteByte((byte)'\n');
            }
        }

        file.Flush(flushToDisk: true);
    }
}
