using MemGrowth.Analytics.Fleet;
using MemGrowth.Analytics.Leaks;
using MemGrowth.Shared.Fleet;
using MemGrowth.Shared.Messages;
using Xunit;

namespace MemGrowth.Analytics.Tests.Fleet;

/// <summary>Where a leak's messages go: one entity per leak, and a shard every node of a fleet computes alike.</summary>
public sealed class LeakMessageExtractorTests
{
    private static readonly LeakId Leak = new("web-1", 4242, 599433);

    /// <summary>
    /// Expected shards computed once outside .NET, with a few lines of Python FNV-1a (32 bit) over the UTF-8 bytes:
    /// <code>
    /// h = 2166136261
    /// for b in s.encode(): h = ((h ^ b) * 16777619) &amp; 0xffffffff
    /// shard = h % n
    /// </code>
    /// "a" hashes to 0xe40c292c, the published FNV-1a test vector. A change here moves every entity of a
    /// running fleet to another shard: nodes of two builds would disagree.
    /// </summary>
    [Theory]
    [InlineData("web-1/4242/599433", 100, 80)]
    [InlineData("web-1/4242/599433", 7, 1)]
    [InlineData("bench-host/100000/1", 100, 22)]
    [InlineData("a", 100, 20)]
    [InlineData("a", 7, 5)]
    [InlineData("", 100, 61)]
    [InlineData("ünïcode-host/1/2", 100, 73)]
    public void Should_put_a_known_id_in_a_fixed_shard(string entityId, int shards, int expected)
    {
        Assert.Equal(expected, LeakMessageExtractor.ShardOf(entityId, shards));
        Assert.Equal(expected.ToString(System.Globalization.CultureInfo.InvariantCulture), new LeakMessageExtractor(shards).ShardId(entityId));
    }

    [Fact]
    public void Should_use_a_hundred_shards_by_default()
    {
        Assert.Equal(100, LeakMessageExtractor.DefaultShards);
        Assert.Equal("80", new LeakMessageExtractor().ShardId(Leak.ToString()));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(7)]
    [InlineData(100)]
    [InlineData(1000)]
    [InlineData(int.MaxValue)]
    public void Should_keep_every_shard_within_the_shard_count(int shards)
    {
        var random = new Random(shards);
        var seen = new HashSet<int>();
        for (var i = 0; i < 5000; i++)
        {
            var id = new LeakId($"host-{random.Next()}", random.Next(1, 1 << 22), (ulong)random.NextInt64()).ToString();
            var shard = LeakMessageExtractor.ShardOf(id, shards);
            Assert.InRange(shard, 0, shards - 1);
            seen.Add(shard);
        }

        // And spread over them, not piled into a few (the ids are seeded: this is not a flaky bound).
        if (shards <= 100)
        {
            Assert.Equal(shards, seen.Count);
        }
        else
        {
            Assert.True(seen.Count >= 0.9 * Math.Min(shards, 5000), $"{seen.Count} distinct shards of {shards} for 5000 ids");
        }
    }

    [Fact]
    public void Should_refuse_fewer_than_one_shard() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new LeakMessageExtractor(0));

    [Fact]
    public void Should_route_every_message_about_a_leak_to_the_same_entity_and_shard()
    {
        var extractor = new LeakMessageExtractor();
        var detection = Detections.Of(Leak, DetectionKind.GrowthDetected, 0, 0.8);
        object[] messages =
        [
            detection,
            new DeliverDetection("agent-1:/var/lib/memgrowth/outbox", 7, detection),
            new DeliverDetections("agent-1:/var/lib/memgrowth/outbox", [7, 8], [detection, detection with { Time = detection.Time.AddSeconds(1) }]),
            new OomKill(Leak, Detections.T0),
            new GetLeak(Leak),
        ];

        foreach (var message in messages)
        {
            Assert.Equal("web-1/4242/599433", extractor.EntityId(message));
            Assert.Equal("80", extractor.ShardId(message));
            Assert.Same(message, extractor.EntityMessage(message));
        }

        // The entity id reads back as the leak (the entity names its persistence id after it).
        Assert.Equal(Leak, LeakId.Parse(extractor.EntityId(messages[0])!));
    }

    [Fact]
    public void Should_route_a_batch_an_outbox_encoded_by_the_leak_it_was_made_for_without_reading_it()
    {
        // Bytes that are no detection at all: routing must not need them (a producer sends the batch as its outbox holds it).
        var batch = DeliverDetections.OfEncoded("web-1:/outbox", Leak, [7, 8], [new byte[] { 0xff }, new byte[] { 0xfe }]);
        var extractor = new LeakMessageExtractor();

        Assert.Equal(Leak.ToString(), extractor.EntityId(batch));
        Assert.Equal(extractor.ShardId(Leak.ToString()), extractor.ShardId(batch));
    }

    [Fact]
    public void Should_tell_leaks_apart_that_differ_only_in_host_pid_or_start()
    {
        var extractor = new LeakMessageExtractor();
        var ids = new[] { Leak, Leak with { Host = "web-2" }, Leak with { Pid = 4243 }, Leak with { StartTicks = 599434 } }
            .Select(l => extractor.EntityId(new GetLeak(l)))
            .ToList();

        Assert.Equal(ids.Count, ids.Distinct().Count());
    }

    [Fact]
    public void Should_not_route_messages_that_name_no_leak()
    {
        var extractor = new LeakMessageExtractor();

        Assert.Null(extractor.EntityId("hello"));
        Assert.Null(extractor.ShardId((object)"hello")); // the string overload takes an entity id
        Assert.Null(extractor.EntityId(new DetectionAck("agent-1", 7)));
        Assert.Null(extractor.EntityId(new DetectionsAck("agent-1", [7, 8])));
    }
}
