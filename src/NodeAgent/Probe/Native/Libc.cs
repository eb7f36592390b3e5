using System.Runtime.InteropServices;

namespace MemGrowth.NodeAgent.Probe.Native;

public static unsafe partial class Libc
{
    private const long SysPerfEventOpen = 298; // x86_64
    public const uint PerfTypeSoftware = 1;
    public const ulong PerfCountSwCpuClock = 0;
    public const ulong PerfFlagFdCloexec = 8;

    [LibraryImport("libc", EntryPoint = "vsnprintf")]
    public static partial int VsnPrintf(byte* buffer, nuint size, IntPtr format, IntPtr args);

    [LibraryImport("libc", EntryPoint = "syscall", SetLastError = true)]
    private static partial long Syscall(long number, void* attr, int pid, int cpu, int groupFd, ulong flags);

    [LibraryImport("libc", EntryPoint = "close")]
    public static partial int Close(int fd);

    public const int SigTerm = 15;

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    public static partial int Kill(int pid, int signal);

    /// <summary>glibc: gives the free pages of every malloc arena back to the system; 1 when it released any.</summary>
    [LibraryImport("libc", EntryPoint = "malloc_trim")]
    public static partial int MallocTrim(nuint pad);

    [LibraryImport("libc", EntryPoint = "geteuid")]
    public static partial uint GetEuid();

    /// <summary>A software cpu-clock event on one CPU: a timer that fires while the CPU idles too.</summary>
    public static int OpenCpuClockTimer(int cpu, ulong periodNs)
    {
        var attr = stackalloc byte[128];
        new Span<byte>(attr, 128).Clear();
        *(uint*)(attr + 0) = PerfTypeSoftware;   // type
        *(uint*)(attr + 4) = 128;                // size
        *(ulong*)(attr + 8) = PerfCountSwCpuClock; // config
        *(ulong*)(attr + 16) = periodNs;         // sample_period
        return (int)Syscall(SysPerfEventOpen, attr, -1, cpu, -1, PerfFlagFdCloexec);
    }
}
