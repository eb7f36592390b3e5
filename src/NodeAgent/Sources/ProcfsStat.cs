namespace MemGrowth.NodeAgent.Sources;

/// <summary>The fields of /proc/PID/stat the agent uses.</summary>
/// <param name="StartTicks">Field 22: start time in clock ticks since boot; with the pid, the process's identity.</param>
/// <param name="Flags">Field 9: the kernel's PF_* flags.</param>
public readonly record struct ProcfsStat(int Pid, string Comm, char State, int Ppid, ulong StartTicks, uint Flags)
{
    /// <summary>PF_KTHREAD (include/linux/sched.h): set on kernel threads, which have no user memory to leak.</summary>
    public const uint KernelThreadFlag = 0x00200000;

    public bool IsKernelThread => (Flags & KernelThreadFlag) != 0;
}
