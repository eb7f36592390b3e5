using System.Text.Json;
using Akka.Actor;
using System.Runtime.Serialization;
using Akka.Serialization;

namespace MemGrowth.Shared.Messages;

/// <summary>
/// Serializes everything MemGrowth journals or sends between nodes as JSON under a stable manifest
/// ("leak-opened.v1"), never a CLR type name: a type can be renamed or moved, and events journaled by an
/// older build still load. A change of shape is a new manifest version, with the old one still read. One
/// exception: an optional field added whose empty value is left out of the JSON (a message without it is
/// written byte for byte as before, one journaled before reads it as empty, and an older build skips it, as
/// unknown fields are), tested with golden JSON of the older shape; the samples of detections are one.
/// Field names are snake_case; enums are written by name. The JSON is <see cref="MessageJsonContext"/>'s,
/// generated at build time, but for the messages read and written most (<see cref="MessageReaders"/>,
/// <see cref="MessageWriters"/>: the same JSON, faster).
/// </summary>
public sealed class MessageSerializer : SerializerWithStringManifest
{
    /// <summary>The serializer's id in akka.actor.serialization-identifiers; never reuse or change it.</summary>
    public const int Id = 4711;

    /// <summary>The HOCON that binds this serializer; every MemGrowth actor system includes it.</summary>
    public const string Config = """
        akka.actor {
          serializers.memgrowth = "MemGrowth.Shared.Messages.MessageSerializer, MemGrowth.Shared"
          serialization-bindings {
            "MemGrowth.Shared.Messages.Detection, MemGrowth.Shared" = memgrowth
            "MemGrowth.Shared.Messages.LeakEvent, MemGrowth.Shared" = memgrowth
            "MemGrowth.Shared.Messages.DeliverDetection, MemGrowth.Shared" = memgrowth
            "MemGrowth.Shared.Messages.DetectionAck, MemGrowth.Shared" = memgrowth
            "MemGrowth.Shared.Messages.DeliverDetections, MemGrowth.Shared" = memgrowth
            "MemGrowth.Shared.Messages.DetectionsAck, MemGrowth.Shared" = memgrowth
            "MemGrowth.Shared.Messages.UnreadableMessage, MemGrowth.Shared" = memgrowth
          }
          serialization-identifiers {
            "MemGrowth.Shared.Messages.MessageSerializer, MemGrowth.Shared" = 4711
          }
        }
        """;

    /// <summary>The messages' one JSON form (<see cref="MessageJsonContext"/>).</summary>
    private static readonly JsonSerializerOptions Options = MessageJsonContext.Default.Options;

    /// <summary>How messages are written, and how <see cref="MessageReaders"/> must read: for their tests.</summary>
    internal static JsonSerializerOptions WriteOptions => Options;

    /// <summary>The same reading, with field-by-field readers for the messages read most (<see cref="MessageReaders"/>).</summary>
    private static readonly JsonSerializerOptions ReadOptions = WithReaders(Options);

    private static readonly Dictionary<Type, string> ManifestOf = new()
    {
        [typeof(Detection)] = "detection.v1",
        [typeof(LeakOpened)] = "leak-opened.v1",
        [typeof(LeakReported)] = "leak-reported.v1",
        [typeof(LeakConfirmed)] = "leak-confirmed.v1",
        [typeof(LeakResolved)] = "leak-resolved.v1",
        [typeof(LeakEnded)] = "leak-ended.v1",
        [typeof(DeliverDetection)] = "deliver-detection.v1",
        [typeof(DetectionAck)] = "detection-ack.v1",
        [typeof(DeliverDetections)] = "deliver-detections.v1",
        [typeof(DetectionsAck)] = "detections-ack.v1",
    };

    private static readonly Dictionary<string, Type> TypeOf = ManifestOf.ToDictionary(p => p.Value, p => p.Key);

    public MessageSerializer(ExtendedActorSystem system)
        : base(system)
    {
    }

    public override int Identifier => Id;

    /// <summary>The manifest messages of <paramref name="type"/> are journaled and sent under.</summary>
    /// <exception cref="ArgumentException">A type this serializer does not write.</exception>
    public static string ManifestFor(Type type) => ManifestOf.TryGetValue(type, out var manifest)
        ? manifest
        : throw new ArgumentException($"{type} has no manifest in {nameof(MessageSerializer)}", nameof(type));

    public override string Manifest(object o)
    {
        ArgumentNullException.ThrowIfNull(o);
        RefuseUnreadable(o);
        return ManifestOf.TryGetValue(o.GetType(), out var manifest)
            ? manifest
            : throw new ArgumentException($"{o.GetType()} has no manifest in {nameof(MessageSerializer)}: add one before it is journaled or sent", nameof(o));
    }

    public override byte[] ToBinary(object obj) => Encode(obj);

    /// <summary>
    /// Reads what <see cref="Encode"/> wrote; bytes that do not read become an <see cref="UnreadableMessage"/>
    /// rather than a throw (see there): a journal row of the wrong shape must not stop every reader of the
    /// journal at it. Off the wire, Akka's remoting would log and drop what throws here; the placeholder
    /// reaches its recipient instead, which logs it as refused.
    /// </summary>
    public override object FromBinary(byte[] bytes, string manifest)
    {
        try
        {
            return Decode(bytes, manifest);
        }
        catch (SerializationException e)
        {
            return new UnreadableMessage(manifest, e.Message);
        }
    }

    private static void RefuseUnreadable(object o)
    {
        if (o is UnreadableMessage unreadable)
        {
            throw new ArgumentException($"an unreadable '{unreadable.Manifest}' message is what a read refused ({unreadable.Reason}): it is never journaled or sent", nameof(o));
        }
    }

    /// <summary>The wire and journal form of a message, outside Akka (an agent's on-disk outbox uses it too).</summary>
    public static byte[] Encode(object obj)
    {
        ArgumentNullException.ThrowIfNull(obj);
        RefuseUnreadable(obj);
        if (obj is DeliverDetections { Encoded: { } encoded } batch)
        {
            return EncodeBatch(batch, encoded);
        }

        if (obj is DeliverDetections { Refused.Count: > 0 } refusing)
        {
            return EncodeRefusing(refusing);
        }

        if (!ManifestOf.ContainsKey(obj.GetType()))
        {
            throw new ArgumentException($"{obj.GetType()} has no manifest in {nameof(MessageSerializer)}: add one before it is journaled or sent", nameof(obj));
        }

        return MessageWriters.TryEncode(obj, Options) ?? JsonSerializer.SerializeToUtf8Bytes(obj, obj.GetType(), Options);
    }

    /// <summary>The manifest of a detection's JSON, as journaled and as an agent's outbox holds it.</summary>
    public const string DetectionManifest = "detection.v1";

    /// <summary>
    /// A batch made of detections already encoded, written as the same JSON <see cref="JsonSerializer"/> writes
    /// for it (same property order and names, same writer escaping, each detection's bytes as written by this
    /// serializer), without reading and writing each detection again.
    /// </summary>
    private static byte[] EncodeBatch(DeliverDetections batch, IReadOnlyList<ReadOnlyMemory<byte>> encoded)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(256 + encoded.Sum(e => e.Length + 1));
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = Options.Encoder, SkipValidation = true }))
        {
            WriteBatchHead(writer, batch);
            writer.WriteStartArray("detections");
            foreach (var detection in encoded)
            {
                writer.WriteRawValue(detection.Span, skipInputValidation: true);
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>A batch's opening: the object, its producer and every sequence number it settles.</summary>
    private static void WriteBatchHead(Utf8JsonWriter writer, DeliverDetections batch)
    {
        writer.WriteStartObject();
        writer.WriteString("producer", batch.Producer);
        writer.WriteStartArray("seqs");
        foreach (var seq in batch.Seqs)
        {
            writer.WriteNumberValue(seq);
        }

        writer.WriteEndArray();
    }

    /// <summary>
    /// A batch read with refusals (one forwarded from the analytics node that read it to the one that hosts its
    /// leak): every sequence number, the accepted detections, and the refused ones with their reasons, so the
    /// node that acks it settles them all. The "refused" field is only ever written by this build's nodes.
    /// </summary>
    private static byte[] EncodeRefusing(DeliverDetections batch)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = Options.Encoder }))
        {
            WriteBatchHead(writer, batch);
            writer.WriteStartArray("detections");
            foreach (var detection in batch.Detections)
            {
                writer.WriteRawValue(Encode(detection), skipInputValidation: true);
            }

            writer.WriteEndArray();
            writer.WriteStartArray("refused");
            foreach (var refused in batch.Refused)
            {
                writer.WriteStartObject();
                writer.WriteNumber("seq", refused.Seq);
                writer.WriteString("reason", refused.Reason);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    private const string DeliverDetectionManifest = "deliver-detection.v1";

    private const string DeliverDetectionsManifest = "deliver-detections.v1";

    /// <summary>
    /// Reads what <see cref="Encode"/> wrote under <paramref name="manifest"/>. A delivery whose detections do
    /// not all read, or a batch whose detections do not all pass <see cref="DetectionCheck"/> or are of several
    /// leaks, still reads when its producer and sequence numbers do: as a <see cref="DeliverDetections"/> with
    /// those detections <see cref="DeliverDetections.Refused"/>, so the good ones of its batch are journaled
    /// and the bad ones acknowledged, not resent forever. (A single delivery whose detection reads but fails
    /// the check reads as it is: its leak entity's routing refuses it.)
    /// </summary>
    /// <exception cref="SerializationException">Unknown manifest, or bytes that are not such a message.</exception>
    public static object Decode(ReadOnlySpan<byte> bytes, string manifest)
    {
        object message;
        try
        {
            message = DecodeStrict(bytes, manifest);
        }
        catch (SerializationException) when (manifest is DeliverDetectionManifest or DeliverDetectionsManifest)
        {
            if (Salvage(bytes, manifest) is { } salvaged)
            {
                return salvaged;
            }

            throw;
        }

        return message switch
        {
            // Fields left out read as null: a delivery without its producer or detection is no delivery.
            DeliverDetection { Producer: null } or DeliverDetection { Detection: null } =>
                Salvage(bytes, manifest) ?? throw new SerializationException($"a '{manifest}' message without producer or detection"),
            DeliverDetections batch when batch.Detections.Any(d => DetectionCheck.Problem(d) is not null) => Salvage(bytes, manifest) ?? message,
            _ => message,
        };
    }

    /// <summary>
    /// What the readers make of the bytes, refusing what does not read as a whole (what <see cref="JsonSerializer"/>
    /// refuses, and a batch of several leaks): <see cref="Decode"/> without its reading of deliveries detection by detection.
    /// </summary>
    internal static object DecodeStrict(ReadOnlySpan<byte> bytes, string manifest)
    {
        if (!TypeOf.TryGetValue(manifest, out var type))
        {
            throw new SerializationException($"unknown manifest '{manifest}': this build reads {string.Join(", ", TypeOf.Keys.Order(StringComparer.Ordinal))}");
        }

        try
        {
            return JsonSerializer.Deserialize(bytes, type, ReadOptions)
                ?? throw new SerializationException($"a '{manifest}' message deserialized to nothing");
        }
        catch (Exception e) when (e is JsonException or ArgumentException)
        {
            // ArgumentException: JSON of the right shape that a message's constructor refuses (a batch of several leaks).
            throw new SerializationException($"a '{manifest}' message does not read: {e.Message}", e);
        }
    }

    /// <summary>
    /// A delivery read field by field from a document: null unless its producer and sequence numbers read. Each
    /// detection is read and checked on its own (<see cref="DeliverDetections.Received"/>); what does not
    /// read, or does not match the sequence numbers, is refused.
    /// </summary>
    private static DeliverDetections? Salvage(ReadOnlySpan<byte> bytes, string manifest)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(bytes.ToArray());
        }
        catch (JsonException)
        {
            return null;
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("producer", out var producerElement) || producerElement.ValueKind != JsonValueKind.String)
            {
                return null;
            }

            var producer = producerElement.GetString()!;
            if (manifest == DeliverDetectionManifest)
            {
                if (!root.TryGetProperty("seq", out var seqElement) || Number(seqElement) is not { } seq)
                {
                    return null;
                }

                var detection = root.TryGetProperty("detection", out var detectionElement) ? Raw(detectionElement) : "null"u8.ToArray();
                return DeliverDetections.Received(producer, [seq], [seq], [detection], []);
            }

            if (!root.TryGetProperty("seqs", out var seqsElement) || seqsElement.ValueKind != JsonValueKind.Array)
            {
                return null;
            }

            var seqs = new List<long>();
            foreach (var element in seqsElement.EnumerateArray())
            {
                if (Number(element) is not { } seq)
                {
                    return null;
                }

                seqs.Add(seq);
            }

            var refused = new List<RefusedDetection>();
            if (root.TryGetProperty("refused", out var refusedElement))
            {
                if (refusedElement.ValueKind != JsonValueKind.Array)
                {
                    return null;
                }

                foreach (var element in refusedElement.EnumerateArray())
                {
                    if (element.ValueKind != JsonValueKind.Object || !element.TryGetProperty("seq", out var seqElement) || Number(seqElement) is not { } seq
                        || !element.TryGetProperty("reason", out var reason) || reason.ValueKind != JsonValueKind.String)
                    {
                        return null;
                    }

                    refused.Add(new RefusedDetection(seq, reason.GetString()!));
                }
            }

            if (seqs.Count == 0)
            {
                return null;
            }

            var pendingSeqs = seqs.Where(s => !refused.Any(r => r.Seq == s)).ToList();
            var detections = root.TryGetProperty("detections", out var detectionsElement) && detectionsElement.ValueKind == JsonValueKind.Array
                ? [.. detectionsElement.EnumerateArray().Select(e => (ReadOnlyMemory<byte>)Raw(e))]
                : new List<ReadOnlyMemory<byte>>();
            if (detections.Count != pendingSeqs.Count)
            {
                var reason = $"a batch of {seqs.Count} sequence numbers with {detections.Count} detections";
                return DeliverDetections.Received(producer, seqs, [], [], [.. refused, .. pendingSeqs.Select(s => new RefusedDetection(s, reason))]);
            }

            return DeliverDetections.Received(producer, seqs, pendingSeqs, detections, refused);
        }

        static long? Number(JsonElement element) => element.ValueKind == JsonValueKind.Number && element.TryGetInt64(out var value) ? value : null;

        static byte[] Raw(JsonElement element) => System.Text.Encoding.UTF8.GetBytes(element.GetRawText());
    }

    private static JsonSerializerOptions WithReaders(JsonSerializerOptions options)
    {
        var read = new JsonSerializerOptions(options);
        foreach (var reader in MessageReaders.All)
        {
            read.Converters.Add(reader);
        }

        return read;
    }
}
