namespace MemGrowth.Shared.Growth;

/// <summary>
/// Identity of one process: a PID alone is reused, so the start time (clock ticks since boot, as in
/// field 22 of /proc/PID/stat) makes a reused PID a different process.
/// </summary>
public readonly record struct ProcessKey(int Pid, ulong StartTicks)
{
    public override string ToString() => $"{Pid}@{StartTicks}";
}
