using MemGrowth.Analytics.History;
using Xunit;

namespace MemGrowth.Analytics.Tests.History;

/// <summary>One process at a time holds a standalone history; the second is told who has it.</summary>
public sealed class HistoryLockTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("memgrowth-lock").FullName;

    [Fact]
    public void Should_refuse_a_second_holder_naming_the_first_and_free_it_on_dispose()
    {
        using (var first = HistoryLock.TryAcquire(_dir, out _))
        {
            var second = HistoryLock.TryAcquire(_dir, out var holder);

            Assert.NotNull(first);
            Assert.Null(second);
            Assert.Equal(Environment.ProcessId, holder);
        }

        using var again = HistoryLock.TryAcquire(_dir, out _);
        Assert.NotNull(again);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
