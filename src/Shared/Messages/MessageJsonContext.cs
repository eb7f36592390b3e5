using System.Text.Json;
using System.Text.Json.Serialization;
using MemGrowth.Shared.Growth;

namespace MemGrowth.Shared.Messages;

/// <summary>
/// The one JSON form of MemGrowth's messages, generated at build time: the wire and journal payloads of
/// <see cref="MessageSerializer"/> (a detection as its flat <see cref="DetectionV1"/>), and the --jsonl
/// lines (<see cref="DetectionLine"/>) the agent writes and validation reads. Field names are snake_case;
/// enums are written by their snake_case names and read by name in any case or by number.
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    Converters = [typeof(SnakeCaseEnumConverter<DetectionKind>), typeof(SnakeCaseEnumConverter<GrowthPattern>), typeof(SnakeCaseEnumConverter<LeakEnd>), typeof(LeakIdJsonConverter)])]
[JsonSerializable(typeof(Detection))]
[JsonSerializable(typeof(DetectionV1))]
[JsonSerializable(typeof(LeakReport))]
[JsonSerializable(typeof(LeakOpened))]
[JsonSerializable(typeof(LeakReported))]
[JsonSerializable(typeof(LeakConfirmed))]
[JsonSerializable(typeof(LeakResolved))]
[JsonSerializable(typeof(LeakEnded))]
[JsonSerializable(typeof(DeliverDetection))]
[JsonSerializable(typeof(DetectionAck))]
[JsonSerializable(typeof(DeliverDetections))]
[JsonSerializable(typeof(DetectionsAck))]
[JsonSerializable(typeof(DetectionLine))]
[JsonSerializable(typeof(AgentReadyLine))]
internal sealed partial class MessageJsonContext : JsonSerializerContext;
