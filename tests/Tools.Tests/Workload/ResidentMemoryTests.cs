using MemGrowth.NodeAgent.Sources;
using MemGrowth.Tools.Workload;
using Xunit;

namespace MemGrowth.Tools.Tests.Workload;

/// <summary>Each kind of memory lands in its own RSS counter, and freeing gives it back.</summary>
[Collection(ResidentMemoryCollection.Name)]
public sealed class ResidentMemoryTests
{
    private const long Size = 32 << 20;

    [Theory]
    [InlineData("anon")]
    [InlineData("file")]
    [InlineData("shmem")]
    public void Should_make_memory_resident_in_its_own_counter_and_free_it(string name)
    {
        var kind = Enum.Parse<MemoryKind>(name, ignoreCase: true);
        var before = Counter(kind);
        long grown, halved, freed;
        using (var memory = new ResidentMemory(kind))
        {
            memory.Grow(Size);
            Assert.Equal(Size, memory.HeldBytes);
            grown = Counter(kind) - before;

            Assert.Equal(Size / 2, memory.Free(Size / 2)); // half of one mapping: cut, not dropped
            Assert.Equal(Size / 2, memory.HeldBytes);
            halved = Counter(kind) - before;

            memory.Free(long.MaxValue);
            Assert.Equal(0, memory.HeldBytes);
            freed = Counter(kind) - before;
        }

        Assert.InRange(grown, Size * 0.9, Size * 1.1);
        Assert.InRange(halved, Size * 0.4, Size * 0.6);
        Assert.True(freed < Size / 4, $"{kind}: {freed >> 20} MiB still resident after freeing");
    }

    [Fact]
    public void Should_carry_partial_pages_into_the_next_step()
    {
        using var memory = new ResidentMemory(MemoryKind.Anon);
        var page = Environment.SystemPageSize;

        memory.Grow(page / 2);
        Assert.Equal(0, memory.HeldBytes);
        memory.Grow(page / 2);
        Assert.Equal(page, memory.HeldBytes);

        for (var i = 0; i < 10; i++)
        {
            memory.Grow(104_857); // a tenth of a MiB, rounded down to pages with the rest carried
        }

        Assert.InRange(memory.HeldBytes, page + 1_048_570 - page, page + 1_048_570);
    }

    [Theory]
    [InlineData("anon")]
    [InlineData("file")]
    [InlineData("shmem")]
    public void Should_free_newest_first_down_to_the_page(string name)
    {
        var page = Environment.SystemPageSize;
        using var memory = new ResidentMemory(Enum.Parse<MemoryKind>(name, ignoreCase: true));
        memory.Grow(1 << 20);
        memory.Grow(2 << 20);

        Assert.Equal(page, memory.Free(1));
        Assert.Equal((3 << 20) - page, memory.HeldBytes);
        Assert.Equal((2 << 20) + page, memory.Free((2 << 20) + 1)); // the rest of the newest, and a page of the one before
        Assert.Equal((1 << 20) - (2 * page), memory.HeldBytes);
        memory.Grow(2 << 20); // the backing was cut back, so this maps fresh pages at the end again
        Assert.Equal((3 << 20) - (2 * page), memory.HeldBytes);
        Assert.Equal((3 << 20) - (2 * page), memory.Free(long.MaxValue));
        Assert.Equal(0, memory.HeldBytes);
    }

    private static long Counter(MemoryKind kind)
    {
        var status = new ProcfsReader().ReadStatus(Environment.ProcessId)!.Value;
        return kind switch
        {
            MemoryKind.Anon => status.AnonBytes,
            MemoryKind.File => status.FileBytes,
            _ => status.ShmemBytes,
        };
    }
}

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ResidentMemoryCollection
{
    public const string Name = "resident-memory";
}
