using MemGrowth.Analytics.Fleet;
using MemGrowth.Analytics.Trends;
using MemGrowth.Shared.Fleet;
using Xunit;

namespace MemGrowth.Analytics.Tests.Fleet;

/// <summary>Where a service's trend messages go: one entity per service key, in a shard every node computes alike.</summary>
public sealed class TrendMessageExtractorTests
{
    /// <summary>Expected shards from the same Python FNV-1a as <see cref="LeakMessageExtractorTests"/>.</summary>
    [Theory]
    [InlineData("api.service", 98)]
    [InlineData("nginx", 79)]
    [InlineData("unknown", 81)]
    public void A_service_has_one_entity_and_a_stable_shard(string service, int shard)
    {
        var extractor = new TrendMessageExtractor();

        Assert.Equal(service, extractor.EntityId(new GetTrend(service)));
        Assert.Equal(service, extractor.EntityId(new RecordLeakEvents(service, [])));
        Assert.Equal(shard.ToString(System.Globalization.CultureInfo.InvariantCulture), extractor.ShardId(new GetTrend(service)));
        Assert.Null(extractor.EntityId("not a trend message"));
    }
}
