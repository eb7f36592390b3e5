using System.Runtime.InteropServices;

namespace MemGrowth.NodeAgent.Bench;

/// <summary>The few libc calls the benchmark needs that .NET does not expose: raw anonymous mappings and SIGTERM.</summary>
internal static unsafe partial class BenchNative
{
    public const int ProtRead = 0x1;
    public const int ProtWrite = 0x2;
    public const int MapPrivate = 0x02;
    public const int MapAnonymous = 0x20;
    public const int MadvNoHugepage = 15;
    public const int SigTerm = 15;

    public static readonly void* MapFailed = (void*)-1;

    [LibraryImport("libc", EntryPoint = "mmap", SetLastError = true)]
    public static partial void* Mmap(void* address, nuint length, int protection, int flags, int fd, nint offset);

    [LibraryImport("libc", EntryPoint = "munmap", SetLastError = true)]
    public static partial int Munmap(void* address, nuint length);

    [LibraryImport("libc", EntryPoint = "madvise", SetLastError = true)]
    public static partial int Madvise(void* address, nuint length, int advice);

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    public static partial int Kill(int pid, int signal);

    [LibraryImport("libc", EntryPoint = "geteuid")]
    public static partial uint GetEuid();
}
