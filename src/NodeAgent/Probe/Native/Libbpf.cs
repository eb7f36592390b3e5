using System.Runtime.InteropServices;

namespace MemGrowth.NodeAgent.Probe.Native;

/// <summary>
/// The slice of libbpf's C API the probe uses (libbpf.so.1, ABI-stable since 1.0). Pointers are
/// returned raw here and owned by the SafeHandles in this folder. libbpf 1.x reports errors through
/// errno with a NULL or negative return, hence SetLastError on every call.
/// </summary>
internal static unsafe partial class Libbpf
{
    public const string Library = "libbpf.so.1";

    [LibraryImport(Library, EntryPoint = "libbpf_set_print")]
    public static partial IntPtr SetPrint(delegate* unmanaged<int, IntPtr, IntPtr, int> fn);

    [LibraryImport(Library, EntryPoint = "bpf_object__open_file", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    public static partial IntPtr ObjectOpenFile(string path, IntPtr opts);

    [LibraryImport(Library, EntryPoint = "bpf_object__load", SetLastError = true)]
    public static partial int ObjectLoad(IntPtr obj);

    [LibraryImport(Library, EntryPoint = "bpf_object__close")]
    public static partial void ObjectClose(IntPtr obj);

    [LibraryImport(Library, EntryPoint = "bpf_object__find_map_by_name", StringMarshalling = StringMarshalling.Utf8)]
    public static partial IntPtr FindMap(IntPtr obj, string name);

    [LibraryImport(Library, EntryPoint = "bpf_object__find_program_by_name", StringMarshalling = StringMarshalling.Utf8)]
    public static partial IntPtr FindProgram(IntPtr obj, string name);

    [LibraryImport(Library, EntryPoint = "bpf_map__set_max_entries", SetLastError = true)]
    public static partial int MapSetMaxEntries(IntPtr map, uint maxEntries);

    [LibraryImport(Library, EntryPoint = "bpf_map__initial_value")]
    public static partial IntPtr MapInitialValue(IntPtr map, out nuint size);

    [LibraryImport(Library, EntryPoint = "bpf_map__fd")]
    public static partial int MapFd(IntPtr map);

    [LibraryImport(Library, EntryPoint = "bpf_program__fd")]
    public static partial int ProgramFd(IntPtr prog);

    [LibraryImport(Library, EntryPoint = "bpf_program__set_autoload", SetLastError = true)]
    public static partial int ProgramSetAutoload(IntPtr prog, [MarshalAs(UnmanagedType.U1)] bool autoload);

    [LibraryImport(Library, EntryPoint = "bpf_program__attach", SetLastError = true)]
    public static partial IntPtr ProgramAttach(IntPtr prog);

    [LibraryImport(Library, EntryPoint = "bpf_program__attach_perf_event", SetLastError = true)]
    public static partial IntPtr ProgramAttachPerfEvent(IntPtr prog, int perfFd);

    [LibraryImport(Library, EntryPoint = "bpf_link__destroy")]
    public static partial int LinkDestroy(IntPtr link);

    [LibraryImport(Library, EntryPoint = "ring_buffer__new", SetLastError = true)]
    public static partial IntPtr RingBufferNew(int mapFd, delegate* unmanaged<IntPtr, IntPtr, nuint, int> sample, IntPtr ctx, IntPtr opts);

    [LibraryImport(Library, EntryPoint = "ring_buffer__poll", SetLastError = true)]
    public static partial int RingBufferPoll(IntPtr rb, int timeoutMs);

    [LibraryImport(Library, EntryPoint = "ring_buffer__consume", SetLastError = true)]
    public static partial int RingBufferConsume(IntPtr rb);

    [LibraryImport(Library, EntryPoint = "ring_buffer__free")]
    public static partial void RingBufferFree(IntPtr rb);

    [LibraryImport(Library, EntryPoint = "bpf_map_lookup_elem", SetLastError = true)]
    public static partial int MapLookupElem(int fd, void* key, void* value);

    [LibraryImport(Library, EntryPoint = "bpf_map_update_elem", SetLastError = true)]
    public static partial int MapUpdateElem(int fd, void* key, void* value, ulong flags);

    [LibraryImport(Library, EntryPoint = "bpf_map_get_next_key", SetLastError = true)]
    public static partial int MapGetNextKey(int fd, void* key, void* nextKey);

    [LibraryImport(Library, EntryPoint = "libbpf_num_possible_cpus")]
    public static partial int NumPossibleCpus();

    [LibraryImport(Library, EntryPoint = "bpf_obj_get_info_by_fd", SetLastError = true)]
    public static partial int ProgGetInfoByFd(int progFd, void* info, ref uint infoLen);
}
