using System.Runtime.InteropServices;

namespace MemGrowth.Tools.Workload;

/// <summary>The few libc calls the grower needs to own its memory page by page (x86_64 and arm64 values).</summary>
internal static unsafe partial class WorkloadNative
{
    public const int ProtRead = 0x1;
    public const int ProtWrite = 0x2;
    public const int MapShared = 0x01;
    public const int MapPrivate = 0x02;
    public const int MapAnonymous = 0x20;
    public const int MadvNoHugepage = 15;
    public const uint MfdCloexec = 0x1;
    public const long TmpfsMagic = 0x01021994;
    public const long RamfsMagic = 0x858458f6;

    public static readonly nint MapFailed = -1;

    [LibraryImport("libc", EntryPoint = "mmap", SetLastError = true)]
    public static partial nint Mmap(nint address, nuint length, int protection, int flags, int fd, long offset);

    [LibraryImport("libc", EntryPoint = "munmap", SetLastError = true)]
    public static partial int Munmap(nint address, nuint length);

    [LibraryImport("libc", EntryPoint = "madvise", SetLastError = true)]
    public static partial int Madvise(nint address, nuint length, int advice);

    [LibraryImport("libc", EntryPoint = "memfd_create", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int MemfdCreate(string name, uint flags);

    [LibraryImport("libc", EntryPoint = "ftruncate", SetLastError = true)]
    public static partial int Ftruncate(int fd, long length);

    [LibraryImport("libc", EntryPoint = "statfs", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Statfs(string path, byte* buffer);

    /// <summary>The filesystem type (f_type, the first field of struct statfs on 64-bit Linux), or null when unknown.</summary>
    public static long? FileSystemType(string path)
    {
        var buffer = stackalloc byte[256]; // struct statfs is 120 bytes on both; room to spare
        return Statfs(path, buffer) == 0 ? *(long*)buffer : null;
    }

    public static string LastError() => Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError());
}
