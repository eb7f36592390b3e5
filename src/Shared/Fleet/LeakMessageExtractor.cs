using System.Text;
using Akka.Cluster.Sharding;
using MemGrowth.Shared.Messages;

namespace MemGrowth.Shared.Fleet;

/// <summary>
/// Routes leak messages to their sharded leak entity (the analytics role's LeakEntity): the entity id is the <see cref="LeakId"/>
/// ("host/pid/start-ticks"), the shard a stable hash of it. Stable across processes and builds (FNV-1a over
/// the UTF-8 bytes; <see cref="string.GetHashCode()"/> is randomised per process, and every node of a fleet
/// must place an entity in the same shard).
/// </summary>
public sealed class LeakMessageExtractor : IMessageExtractor
{
    /// <summary>Ten times the analytics nodes a large fleet would run: shards are the unit that moves.</summary>
    public const int DefaultShards = 100;

    private readonly int _shards;

    public LeakMessageExtractor(int shards = DefaultShards)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(shards, 1);
        _shards = shards;
    }

    /// <summary>
    /// The entity of what belongs to no leak (a detection that fails <see cref="DetectionCheck"/>, a batch whose
    /// detections were all refused, a message that did not read): the analytics role's RefusedDeliveries, which logs and
    /// acknowledges it. Not a leak id ("host/pid/ticks"), so no leak entity can have it; without it, such a
    /// detection made leak entity "/0/0".
    /// </summary>
    public const string RefusedEntityId = "refused";

    public string? EntityId(object message) => EntityIdOf(message);

    /// <summary>The entity a message goes to (<see cref="RefusedEntityId"/> for what belongs to no leak), or null for none of ours.</summary>
    public static string? EntityIdOf(object message) => message switch
    {
        DeliverDetection m => Of(m.Detection),
        DeliverDetections m => m.HasLeak && DetectionCheck.LeakProblem(m.Leak) is null ? m.Leak.ToString() : RefusedEntityId,
        Detection d => Of(d),
        OomKill k => k.Leak.ToString(),
        GetLeak g => g.Leak.ToString(),
        UnreadableMessage => RefusedEntityId,
        _ => null,
    };

    private static string Of(Detection d) => DetectionCheck.Problem(d) is null ? LeakId.Of(d).ToString() : RefusedEntityId;

    public object? EntityMessage(object message) => message;

    public string? ShardId(object message) => EntityId(message) is { } id ? ShardId(id, message) : null;

    public string ShardId(string entityId, object? messageHint = null) => ShardOf(entityId, _shards).ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>FNV-1a (32 bit) of the id's UTF-8 bytes, modulo the shard count.</summary>
    public static int ShardOf(string entityId, int shards)
    {
        ArgumentNullException.ThrowIfNull(entityId);
        uint hash = 2166136261;
        foreach (var b in Encoding.UTF8.GetBytes(entityId))
        {
            hash = (hash ^ b) * 16777619;
        }

        return (int)(hash % (uint)shards);
    }
}
