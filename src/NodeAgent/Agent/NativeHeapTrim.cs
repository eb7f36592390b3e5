using MemGrowth.NodeAgent.Probe.Native;

namespace MemGrowth.NodeAgent.Agent;

/// <summary>
/// Gives the C heap's free pages back to the system every few seconds (glibc's <c>malloc_trim</c>).
/// The JIT compiles in scratch memory it takes from malloc and frees at once; glibc keeps the freed pages in
/// its arenas (one per thread that compiled) as holes that <c>free</c> itself never returns. Once the leak
/// history's first journaled leaks had compiled its code, that was ~15 MiB of a standalone agent's RSS
/// holding nothing, ~8 MiB of it in the main arena even without the history (docs/bench/memory.md). A trim
/// walks the arenas' free lists: about 0.4 ms on the bench machine, 0.01 % of a core every 5 s.
/// </summary>
public sealed class NativeHeapTrim : IDisposable
{
    public static readonly TimeSpan Every = TimeSpan.FromSeconds(5);

    private readonly Timer _timer;

    private NativeHeapTrim() => _timer = new Timer(_ => Libc.MallocTrim(0), null, Every, Every);

    /// <summary>Starts trimming; null where the C library has no malloc_trim (musl).</summary>
    public static NativeHeapTrim? Start()
    {
        try
        {
            _ = Libc.MallocTrim(0);
        }
        catch (EntryPointNotFoundException)
        {
            return null;
        }

        return new NativeHeapTrim();
    }

    public void Dispose() => _timer.Dispose();
}
