using MemGrowth.Shared.Growth;
using MemGrowth.Shared.Messages;

namespace MemGrowth.Shared.Tests.Messages;

/// <summary>The parts the readers' and writers' tests build their messages from.</summary>
internal static class TestMessages
{
    public static readonly DateTimeOffset T0 = new(2026, 11, 24, 9, 0, 0, TimeSpan.Zero);
    public static readonly LeakId Leak = new("web-1", 4242, 599433);
    public static readonly LeakReport Report = new(T0, GrowthPattern.Burst, 2.5 * 1048576, 0.93, 123456789, 536870912, 160.5);
    public static readonly MemorySamples Samples = new([new MemorySample(T0.AddSeconds(-2), 98, 88, 10, 0), new MemorySample(T0, 100, 90, 10, 4096)]);
}
