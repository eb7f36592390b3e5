using System.Collections.Immutable;
using System.Runtime.Serialization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Akka.Actor;
using Akka.Serialization;
using MemGrowth.Shared.Messages;

namespace MemGrowth.Analytics.Trends;

/// <summary>
/// Serializes the trend entities' messages, journal and snapshots as JSON under stable manifests
/// ("trend-record.v1"), never CLR type names, like <see cref="MessageSerializer"/>. A trend (snapshot, and inside a
/// reply) is "service-trend.v2" since it counts the leaks it dropped (<see cref="DroppedLeaks"/>); the v1 form,
/// without them, still reads (as a trend that dropped none). A leak event inside keeps
/// its own manifest and JSON from <see cref="MessageSerializer"/>, so it reads back however the trend types move.
/// </summary>
public sealed class TrendSerializer : SerializerWithStringManifest
{
    /// <summary>The serializer's id in akka.actor.serialization-identifiers; never reuse or change it.</summary>
    public const int Id = 4720;

    /// <summary>The HOCON that binds this serializer (the journal's configuration includes it, see Persistence.JournalConfig).</summary>
    public const string Config = """
        akka.actor {
          serializers.memgrowth-trends = "MemGrowth.Analytics.Trends.TrendSerializer, MemGrowth.Analytics"
          serialization-bindings {
            "MemGrowth.Analytics.Trends.RecordLeakEvents, MemGrowth.Analytics" = memgrowth-trends
            "MemGrowth.Analytics.Trends.LeakEventsRecorded, MemGrowth.Analytics" = memgrowth-trends
            "MemGrowth.Analytics.Trends.TrendAck, MemGrowth.Analytics" = memgrowth-trends
            "MemGrowth.Analytics.Trends.GetTrend, MemGrowth.Analytics" = memgrowth-trends
            "MemGrowth.Analytics.Trends.TrendReply, MemGrowth.Analytics" = memgrowth-trends
            "MemGrowth.Analytics.Trends.ServiceTrend, MemGrowth.Analytics" = memgrowth-trends
          }
          serialization-identifiers {
            "MemGrowth.Analytics.Trends.TrendSerializer, MemGrowth.Analytics" = 4720
          }
        }
        """;

    private static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Converters = { new LeakIdConverter() },
    };

    private static readonly Dictionary<Type, string> ManifestOf = new()
    {
        [typeof(RecordLeakEvents)] = "trend-record.v1",
        [typeof(LeakEventsRecorded)] = "trend-leak-events-recorded.v1",
        [typeof(TrendAck)] = "trend-ack.v1",
        [typeof(GetTrend)] = "trend-get.v1",
        [typeof(TrendReply)] = "trend-reply.v2",
        [typeof(ServiceTrend)] = "service-trend.v2",
    };

    /// <summary>Manifests this build still reads but no longer writes.</summary>
    private static readonly string[] Older = ["trend-reply.v1", "service-trend.v1"];

    private readonly MessageSerializer _events;

    public TrendSerializer(ExtendedActorSystem system)
        : base(system)
    {
        _events = new MessageSerializer(system);
    }

    public override int Identifier => Id;

    /// <summary>Every manifest this build reads: those it writes and their older versions.</summary>
    public static IReadOnlyCollection<string> Readable => [.. ManifestOf.Values, .. Older];

    public override string Manifest(object o)
    {
        ArgumentNullException.ThrowIfNull(o);
        return ManifestOf.TryGetValue(o.GetType(), out var manifest)
            ? manifest
            : throw new ArgumentException($"{o.GetType()} has no manifest in {nameof(TrendSerializer)}: add one before it is journaled or sent", nameof(o));
    }

    public override byte[] ToBinary(object obj) => obj switch
    {
        RecordLeakEvents r => Write(new RecordJson(r.Service, [.. r.Events.Select(ToJson)])),
        LeakEventsRecorded r => Write(new RecordedJson([.. r.Events.Select(ToJson)])),
        TrendAck a => Write(a),
        GetTrend g => Write(g),
        TrendReply r => Write(new ReplyJson(ToJson(r.Trend), r.LastSequenceNr)),
        ServiceTrend t => Write(ToJson(t)),
        null => throw new ArgumentNullException(nameof(obj)),
        _ => throw new ArgumentException($"{obj.GetType()} has no manifest in {nameof(TrendSerializer)}: add one before it is journaled or sent", nameof(obj)),
    };

    /// <exception cref="SerializationException">Unknown manifest, or bytes that are not such a message.</exception>
    public override object FromBinary(byte[] bytes, string manifest)
    {
        try
        {
            return manifest switch
            {
                "trend-record.v1" => FromJson(Read<RecordJson>(bytes, manifest)),
                "trend-leak-events-recorded.v1" => new LeakEventsRecorded([.. Read<RecordedJson>(bytes, manifest).Events.Select(FromJson)]),
                "trend-ack.v1" => Read<TrendAck>(bytes, manifest),
                "trend-get.v1" => Read<GetTrend>(bytes, manifest),
                // v1 has no "dropped": it reads as a trend that dropped nothing.
                "trend-reply.v1" or "trend-reply.v2" => FromJson(Read<ReplyJson>(bytes, manifest)),
                "service-trend.v1" or "service-trend.v2" => FromJson(Read<TrendJson>(bytes, manifest)),
                _ => throw new SerializationException($"unknown manifest '{manifest}': this build reads {string.Join(", ", Readable.Order(StringComparer.Ordinal))}"),
            };
        }
        catch (JsonException e)
        {
            throw new SerializationException($"a '{manifest}' message does not read: {e.Message}", e);
        }
    }

    private static byte[] Write<T>(T value) => JsonSerializer.SerializeToUtf8Bytes(value, Options);

    private static T Read<T>(byte[] bytes, string manifest) =>
        JsonSerializer.Deserialize<T>(bytes, Options) ?? throw new SerializationException($"a '{manifest}' message deserialized to nothing");

    private InputJson ToJson(TrendInput input) =>
        new(input.PersistenceId, input.SequenceNr, _events.Manifest(input.Event), MessageSerializer.Encode(input.Event));

    private static TrendInput FromJson(InputJson input) =>
        new(input.PersistenceId, input.SequenceNr, (LeakEvent)MessageSerializer.Decode(input.Event, input.Manifest));

    private static RecordLeakEvents FromJson(RecordJson record) => new(record.Service, [.. record.Events.Select(FromJson)]);

    private static TrendReply FromJson(ReplyJson reply) => new(FromJson(reply.Trend), reply.LastSequenceNr);

    private static TrendJson ToJson(ServiceTrend trend) => new(
        trend.Service,
        [.. trend.Leaks.Values.OrderBy(l => l.Leak.ToString(), StringComparer.Ordinal)],
        trend.FirstSeen,
        trend.LastSeen,
        new DroppedJson(trend.Dropped.Processes, trend.Dropped.OomKills, [.. trend.Dropped.Hosts]));

    private static ServiceTrend FromJson(TrendJson trend) =>
        new(trend.Service, trend.Leaks.ToImmutableDictionary(l => l.Leak), trend.FirstSeen, trend.LastSeen)
        {
            Dropped = trend.Dropped is { } d
                ? new DroppedLeaks(d.Processes, d.OomKills, ImmutableSortedSet.CreateRange(StringComparer.Ordinal, d.Hosts))
                : DroppedLeaks.None,
        };

    /// <param name="Event">The leak event's own JSON, as <see cref="MessageSerializer"/> wrote it, embedded byte for byte.</param>
    private sealed record InputJson(string PersistenceId, long SequenceNr, string Manifest, [property: JsonConverter(typeof(RawJsonConverter))] byte[] Event);

    private sealed record RecordJson(string Service, List<InputJson> Events);

    private sealed record RecordedJson(List<InputJson> Events);

    /// <param name="Dropped">Null in the v1 form.</param>
    private sealed record TrendJson(string Service, List<TrendLeak> Leaks, DateTimeOffset FirstSeen, DateTimeOffset LastSeen, DroppedJson? Dropped = null);

    private sealed record DroppedJson(int Processes, int OomKills, List<string> Hosts);

    private sealed record ReplyJson(TrendJson Trend, long LastSequenceNr);

    /// <summary>Embeds JSON written by another serializer as it is (no re-escaping), and reads back its text.</summary>
    private sealed class RawJsonConverter : JsonConverter<byte[]>
    {
        public override byte[] Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            using var document = JsonDocument.ParseValue(ref reader);
            return Encoding.UTF8.GetBytes(document.RootElement.GetRawText());
        }

        public override void Write(Utf8JsonWriter writer, byte[] value, JsonSerializerOptions options) => writer.WriteRawValue(value);
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
