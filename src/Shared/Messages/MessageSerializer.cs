using System.Text.Json;
using System.Text.Json.Serialization;
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
/// Field names are snake_case; enums are written by name.
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
          }
          serialization-identifiers {
            "MemGrowth.Shared.Messages.MessageSerializer, MemGrowth.Shared" = 4711
          }
        }
        """;

    private static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower), new LeakIdConverter() },
    };

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

    /// <summary>Every manifest this build reads, for tests and docs.</summary>
    public static IReadOnlyCollection<string> Manifests => TypeOf.Keys;

    /// <summary>The manifest messages of <paramref name="type"/> are journaled and sent under.</summary>
    /// <exception cref="ArgumentException">A type this serializer does not write.</exception>
    public static string ManifestFor(Type type) => ManifestOf.TryGetValue(type, out var manifest)
        ? manifest
        : throw new ArgumentException($"{type} has no manifest in {nameof(MessageSerializer)}", nameof(type));

    public override string Manifest(object o)
    {
        ArgumentNullException.ThrowIfNull(o);
        return ManifestOf.TryGetValue(o.GetType(), out var manifest)
            ? manifest
            : throw new ArgumentException($"{o.GetType()} has no manifest in {nameof(MessageSerializer)}: add one before it is journaled or sent", nameof(o));
    }

    public override byte[] ToBinary(object obj) => Encode(obj);

    public override object FromBinary(byte[] bytes, string manifest) => Decode(bytes, manifest);

    /// <summary>The wire and journal form of a message, outside Akka (an agent's on-disk outbox uses it too).</summary>
    public static byte[] Encode(object obj)
    {
        ArgumentNullException.ThrowIfNull(obj);
        if (obj is DeliverDetections { Encoded: { } encoded } batch)
        {
            return EncodeBatch(batch, encoded);
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
            writer.WriteStartObject();
            writer.WriteString("producer", batch.Producer);
            writer.WriteStartArray("seqs");
            foreach (var seq in batch.Seqs)
            {
                writer.WriteNumberValue(seq);
            }

            writer.WriteEndArray();
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

    /// <summary>Reads what <see cref="Encode"/> wrote under <paramref name="manifest"/>.</summary>
    /// <exception cref="SerializationException">Unknown manifest, or bytes that are not such a message.</exception>
    public static object Decode(ReadOnlySpan<byte> bytes, string manifest)
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

    private static JsonSerializerOptions WithReaders(JsonSerializerOptions options)
    {
        var read = new JsonSerializerOptions(options);
        foreach (var reader in MessageReaders.All)
        {
            read.Converters.Add(reader);
        }

        return read;
    }

    /// <summary>A leak id travels as its text form, "host/pid/ticks".</summary>
    private sealed class LeakIdConverter : JsonConverter<LeakId>
    {
        public override LeakId Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            LeakId.Parse(reader.GetString() ?? throw new JsonException("a leak id is a string"));

        public override void Write(Utf8JsonWriter writer, LeakId value, JsonSerializerOptions options) =>
            writer.WriteStringValue(value.ToString());
    }
}
