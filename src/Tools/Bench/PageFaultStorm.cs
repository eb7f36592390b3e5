using System.Diagnostics;
using System.Runtime.InteropServices;
using MemGrowth.Tools.Workload;
using MemGrowth.Validation.Run;

namespace MemGrowth.Tools.Bench;

internal readonly record struct StormRun(long Bytes, long Pages, TimeSpan Elapsed);

/// <summary>
/// The worst case for an rss_stat probe: every touched page is one page fault, and every fault is one
/// tracepoint hit in the faulting process. mmap, touch one byte per page, munmap, all timed.
/// </summary>
internal static unsafe class PageFaultStorm
{
    public static StormRun Run(long bytes)
    {
        if (bytes <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(bytes), bytes, "the storm needs at least one page");
        }

        long page = Environment.SystemPageSize;
        var length = (bytes + page - 1) / page * page;
        var stopwatch = Stopwatch.StartNew();
        var region = WorkloadNative.Mmap(0, (nuint)length, WorkloadNative.ProtRead | WorkloadNative.ProtWrite,
            WorkloadNative.MapPrivate | WorkloadNative.MapAnonymous, -1, 0);
        if (region == WorkloadNative.MapFailed)
        {
            throw new BenchmarkException($"mmap of {length >> 20} MiB failed (errno {Marshal.GetLastPInvokeError()}): lower --storm-gib");
        }

        try
        {
            // With THP set to "always" a 2 MiB huge page would turn 512 faults into one, and the storm
            // would no longer be a storm. Failure only means THP is off, which is what we want anyway.
            _ = WorkloadNative.Madvise(region, (nuint)length, WorkloadNative.MadvNoHugepage);
            var bytesPtr = (byte*)region;
            for (long offset = 0; offset < length; offset += page)
            {
                // Volatile, so no compiler may decide the stores are dead and skip the faults.
                Volatile.Write(ref bytesPtr[offset], 1);
            }
        }
        finally
        {
            _ = WorkloadNative.Munmap(region, (nuint)length);
        }

        stopwatch.Stop();
        return new StormRun(length, length / page, stopwatch.Elapsed);
    }
}
