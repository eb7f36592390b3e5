using MemGrowth.NodeAgent.Actors;
using Xunit;

namespace MemGrowth.NodeAgent.Tests.Actors;

public sealed class EventBudgetTests
{
    [Fact]
    public void Should_drop_and_count_a_batch_that_would_exceed_the_bound()
    {
        var budget = new EventBudget(maxInFlight: 1000);

        Assert.True(budget.TryAcquire(600));
        Assert.False(budget.TryAcquire(600));
        Assert.Equal(600, budget.Dropped);
        Assert.Equal(600, budget.InFlight);

        budget.Release(600);
        Assert.True(budget.TryAcquire(600));
    }
}
