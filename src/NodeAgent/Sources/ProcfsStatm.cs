namespace MemGrowth.NodeAgent.Sources;

/// <summary>
/// /proc/PID/statm, in pages: a cheaper read than status (no text formatting of ~50 lines), but
/// resident memory is split only into "shared" (file + shmem) and the rest, and swap is missing.
/// </summary>
public readonly record struct ProcfsStatm(long SizePages, long ResidentPages, long SharedPages, long TextPages, long DataPages)
{
    /// <summary>Resident anonymous memory: what statm does not call shared.</summary>
    public long AnonPages => ResidentPages - SharedPages;
}
