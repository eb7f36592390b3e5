using MemGrowth.Validation.Scoring;
using Xunit;

namespace MemGrowth.Validation.Tests.Scoring;

public class TargetsTests
{
    [Theory]
    [InlineData(10, 11, 0.97945)] // one miss in eleven: still consistent with 98 %
    [InlineData(8, 11, 0.88531)] // three misses in eleven: not
    [InlineData(151, 153, 0.99567)]
    public void The_upper_wilson_bound_is_the_score_interval_at_z_1_645(int part, int whole, double upper)
    {
        Assert.InRange(Targets.Wilson(part, whole, +1), upper - 1e-4, upper + 1e-4);
    }

    [Fact]
    public void The_lower_bound_of_no_false_positives_is_zero_and_of_some_is_positive()
    {
        Assert.Equal(0, Targets.Wilson(0, 156, -1), 9);
        Assert.InRange(Targets.Wilson(5, 156, -1), 0.01, 0.06);
    }
}
