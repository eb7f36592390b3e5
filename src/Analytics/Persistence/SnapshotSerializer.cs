using System.Runtime.Serialization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Akka.Actor;
using Akka.Serialization;
using MemGrowth.Analytics.Leaks;
using MemGrowth.Shared.Messages;

namespace MemGrowth.Analytics.Persistence;

/// <summary>
/// Serializes what the entities snapshot (a <see cref="LeakState"/>) as JSON under a stable manifest
/// ("leak-state.v1"), never a CLR type name, in the style of <see cref="MessageSerializer"/>: snake_case
/// fields, enums by name, a leak id as its text form, reports in the same shape as in the events. The
/// snapshot has a form of its own (<see cref="LeakStateV1"/>) rather than the record's: renaming a
/// property of <see cref="LeakState"/> does not change what is stored, and adding one breaks the build
/// here until the form says how an older snapshot reads. A change of shape is a new manifest, with the old
/// one still read: an entity whose snapshot does not read does not recover.
/// </summary>
internal sealed class SnapshotSerializer : SerializerWithStringManifest
{
    /// <summary>The serializer's id in akka.actor.serialization-identifiers; never reuse or change it.</summary>
    public const int Id = 4712;

    public const string LeakStateManifest = "leak-state.v1";

    /// <summary>
    /// The HOCON that binds this serializer. <see cref="JournalConfig.Load"/> carries it, so every actor
    /// system that has the journal (and with it the snapshot store) has it.
    /// </summary>
    public const string Config = """
        akka.actor {
          serializers.memgrowth-snapshot = "MemGrowth.Analytics.Persistence.SnapshotSerializer, MemGrowth.Analytics"
          serialization-bindings {
            "MemGrowth.Analytics.Leaks.LeakState, MemGrowth.Analytics" = memgrowth-snapshot
          }
          serialization-identifiers {
            "MemGrowth.Analytics.Persistence.SnapshotSerializer, MemGrowth.Analytics" = 4712
          }
        }
        """;

    private static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };

    public SnapshotSerializer(ExtendedActorSystem system)
        : base(system)
    {
    }

    public override int Identifier => Id;

    public override string Manifest(object o)
    {
        ArgumentNullException.ThrowIfNull(o);
        return o is LeakState
            ? LeakStateManifest
            : throw new ArgumentException($"{o.GetType()} has no manifest in {nameof(SnapshotSerializer)}: add one before it is snapshotted", nameof(o));
    }

    public override byte[] ToBinary(object obj) => Encode(obj as LeakState
        ?? throw new ArgumentException($"{obj?.GetType()} has no manifest in {nameof(SnapshotSerializer)}: add one before it is snapshotted", nameof(obj)));

    public override object FromBinary(byte[] bytes, string manifest) => Decode(bytes, manifest);

    /// <summary>The snapshot form of a leak's state.</summary>
    public static byte[] Encode(LeakState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        return JsonSerializer.SerializeToUtf8Bytes(LeakStateV1.Of(state), Options);
    }

    /// <summary>Reads what <see cref="Encode"/> wrote (or an older build did) under <paramref name="manifest"/>.</summary>
    /// <exception cref="SerializationException">Unknown manifest, or bytes that are not such a snapshot.</exception>
    public static LeakState Decode(ReadOnlySpan<byte> bytes, string manifest)
    {
        if (manifest != LeakStateManifest)
        {
            throw new SerializationException($"unknown snapshot manifest '{manifest}': this build reads {LeakStateManifest}");
        }

        try
        {
            var form = JsonSerializer.Deserialize<LeakStateV1>(bytes, Options)
                ?? throw new SerializationException($"a '{manifest}' snapshot deserialized to nothing");
            return form.ToState();
        }
        catch (Exception e) when (e is JsonException or FormatException or ArgumentException)
        {
            throw new SerializationException($"a '{manifest}' snapshot does not read: {e.Message}", e);
        }
    }

    /// <summary>
    /// "leak-state.v1": every field of the state; <see cref="JsonRequiredAttribute"/> so a truncated or foreign
    /// snapshot fails loudly. Reports is a list: older builds held up to the last 500 reports there, and this
    /// one writes only the latest (what the state holds) and reads the last of them, so snapshots of either
    /// build read in the other.
    /// </summary>
    private sealed record LeakStateV1(
        [property: JsonRequired] string Leak,
        [property: JsonRequired] LeakStatus Status,
        [property: JsonRequired] string Service,
        [property: JsonRequired] string Comm,
        [property: JsonRequired] string Cmdline,
        [property: JsonRequired] string? Cgroup,
        [property: JsonRequired] string? ContainerId,
        [property: JsonRequired] DateTimeOffset ProcessStarted,
        [property: JsonRequired] DateTimeOffset Opened,
        [property: JsonRequired] DateTimeOffset GrowthStarted,
        [property: JsonRequired] DateTimeOffset? ConfirmedAt,
        [property: JsonRequired] DateTimeOffset? EndedAt,
        [property: JsonRequired] int Episodes,
        [property: JsonRequired] DateTimeOffset LastEventTime,
        [property: JsonRequired] IReadOnlyList<LeakReport> Reports)
    {
        public static LeakStateV1 Of(LeakState s) => new(
            s.Leak.ToString(), s.Status, s.Service, s.Comm, s.Cmdline, s.Cgroup, s.ContainerId, s.ProcessStarted, s.Opened, s.GrowthStarted,
            s.ConfirmedAt, s.EndedAt, s.Episodes, s.LastEventTime, [s.Latest]);

        public LeakState ToState()
        {
            if (Service is null || Comm is null || Cmdline is null || Reports is null || Reports.Count == 0 || Reports.Any(r => r is null))
            {
                throw new JsonException("service, comm, cmdline and at least one report are required");
            }

            return new LeakState(LeakId.Parse(Leak), Status, Service, Comm, Cmdline, Cgroup, ContainerId, ProcessStarted, Opened, GrowthStarted,
                ConfirmedAt, EndedAt, Episodes, LastEventTime, Reports[^1]);
        }
    }
}
