using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace MemGrowth.Shared.Messages;

/// <summary>An enum by its snake_case name ("growth_detected"), as messages have always been written.</summary>
internal sealed class SnakeCaseEnumConverter<T>() : JsonStringEnumConverter<T>(JsonNamingPolicy.SnakeCaseLower)
    where T : struct, Enum;

/// <summary>A leak id travels as its text form, "host/pid/ticks".</summary>
internal sealed class LeakIdJsonConverter : JsonConverter<LeakId>
{
    public override LeakId Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        LeakId.Parse(reader.GetString() ?? throw new JsonException("a leak id is a string"));

    public override void Write(Utf8JsonWriter writer, LeakId value, JsonSerializerOptions options) =>
        writer.WriteStringValue(value.ToString());
}

/// <summary>A <see cref="Detection"/> as its flat v1 object (<see cref="DetectionV1"/>), wherever it is written or read.</summary>
internal sealed class DetectionJsonConverter : JsonConverter<Detection>
{
    public override Detection Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        JsonSerializer.Deserialize(ref reader, V1(options))?.ToDetection() ?? throw new JsonException("a detection is an object, not null");

    public override void Write(Utf8JsonWriter writer, Detection value, JsonSerializerOptions options) =>
        JsonSerializer.Serialize(writer, DetectionV1.Of(value), V1(options));

    private static JsonTypeInfo<DetectionV1> V1(JsonSerializerOptions options) =>
        (JsonTypeInfo<DetectionV1>)options.GetTypeInfo(typeof(DetectionV1));
}
