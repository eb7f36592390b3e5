using MemGrowth.Analytics.Leaks;
using Xunit;

namespace MemGrowth.Analytics.Tests.Snapshots;

/// <summary>Compares leak states field by field: the record's own equality compares its report list by reference.</summary>
internal static class LeakStates
{
    public static void AssertSame(LeakState? expected, LeakState? actual)
    {
        Assert.NotNull(expected);
        Assert.NotNull(actual);
        Assert.Equal(expected with { Reports = [] }, actual with { Reports = [] });
        Assert.Equal(expected.Reports, actual.Reports);
    }
}
