using MemGrowth.NodeAgent.Sources;
using MemGrowth.NodeAgent.Workload;
using Xunit;

namespace MemGrowth.NodeAgent.Tests.Workload;

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
        long grown, freed;
        using (var memory = new ResidentMemory(kind))
        {
            memory.Grow(Size);
            Assert.Equal(Size, memory.HeldBytes);
            grown = Counter(kind) - before;

            memory.Free(long.MaxValue);
            Assert.Equal(0, memory.HeldBytes);
            freed = Counter(kind) - before;
        }

        Assert.InRange(grown, Size * 0.9, Size * 1.1);
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

    [Fact]
    public void Should_free_newest_first_in_whole_mappings()
    {
        using var memory = new ResidentMemory(MemoryKind.Shmem);
        memory.Grow(1 << 20);
        memory.Grow(2 << 20);

        Assert.Equal(2 << 20, memory.Free(1));
        Assert.Equal(1 << 20, memory.HeldBytes);
        memory.Grow(1 << 20); // the memfd was cut back, so this maps fresh pages at the end again
        Assert.Equal(2 << 20, memory.HeldBytes);
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
