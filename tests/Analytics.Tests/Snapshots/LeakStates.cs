using MemGrowth.Analytics.Leaks;
using Xunit;

namespace MemGrowth.Analytics.Tests.Snapshots;

/// <summary>Compares leak states as values (the record's own equality, its latest report's included), saying which one was expected.</summary>
internal static class LeakStates
{
    public static void AssertSame(LeakState? expected, LeakState? actual)
    {
        Assert.NotNull(expected);
        Assert.NotNull(actual);
        Assert.Equal(expected, actual);
    }
}
