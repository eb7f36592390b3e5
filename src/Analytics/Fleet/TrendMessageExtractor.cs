using Akka.Cluster.Sharding;
using MemGrowth.Analytics.Trends;
using MemGrowth.Shared.Fleet;

namespace MemGrowth.Analytics.Fleet;

/// <summary>
/// Routes trend messages to their sharded <see cref="ServiceTrendEntity"/>: the entity id is the service key,
/// the shard the same stable FNV-1a hash as the leaks' (<see cref="LeakMessageExtractor.ShardOf"/>).
/// </summary>
public sealed class TrendMessageExtractor : IMessageExtractor
{
    private readonly int _shards;

    public TrendMessageExtractor(int shards = LeakMessageExtractor.DefaultShards)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(shards, 1);
        _shards = shards;
    }

    public string? EntityId(object message) => (message as IWithService)?.Service;

    public object? EntityMessage(object message) => message;

    public string? ShardId(object message) => EntityId(message) is { } id ? ShardId(id, message) : null;

    public string ShardId(string entityId, object? messageHint = null) =>
        LeakMessageExtractor.ShardOf(entityId, _shards).ToString(System.Globalization.CultureInfo.InvariantCulture);
}
