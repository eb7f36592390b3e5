using Microsoft.Win32.SafeHandles;

namespace MemGrowth.Tools.Workload;

/// <summary>
/// Memory the grower holds, made resident page by page so it shows in RSS the moment it is allocated
/// (an untouched mapping costs nothing and would show no growth at all). Grown in mappings of whole
/// pages, freed newest first down to the page; freeing really returns the pages (munmap, and truncating
/// the backing file), so a sawtooth's drop is visible too. Not thread-safe.
/// </summary>
internal sealed unsafe class ResidentMemory : IDisposable
{
    private static readonly int PageSize = Environment.SystemPageSize;

    private readonly List<(nint Address, long Length)> _mappings = [];
    private readonly SafeFileHandle? _backing;
    private long _backingLength;
    private long _carry;
    private long _sink;

    public ResidentMemory(MemoryKind kind)
    {
        Kind = kind;
        _backing = kind switch
        {
            MemoryKind.File => CreateDiskFile(),
            MemoryKind.Shmem => CreateMemfd(),
            _ => null,
        };
    }

    public MemoryKind Kind { get; }

    /// <summary>Bytes mapped and touched: whole pages, so up to a page less than was asked for so far.</summary>
    public long HeldBytes { get; private set; }

    /// <summary>
    /// Allocates and touches <paramref name="bytes"/> more. Requests are rounded down to whole pages and
    /// the remainder carried into the next call, so many small steps add up to the exact rate.
    /// </summary>
    /// <exception cref="IOException">When the kernel refuses the mapping (out of memory, or a limit).</exception>
    public void Grow(long bytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(bytes);
        _carry += bytes;
        var length = _carry / PageSize * PageSize;
        if (length == 0)
        {
            return;
        }

        _carry -= length;
        var address = Kind switch
        {
            MemoryKind.Anon => MapAnonymous(length),
            MemoryKind.File => MapFile(length),
            _ => MapShmem(length),
        };
        _mappings.Add((address, length));
        HeldBytes += length;
    }

    /// <summary>
    /// Frees <paramref name="bytes"/> rounded up to whole pages (or all there is), newest first; the
    /// newest mapping left is cut at a page when only part of it must go, so a partial free (gc-leak's
    /// troughs, the jitter region) lands on its target rather than up to a mapping below. Returns what was freed.
    /// </summary>
    public long Free(long bytes)
    {
        long freed = 0;
        while (freed < bytes && _mappings.Count > 0)
        {
            var (address, length) = _mappings[^1];
            var wanted = bytes - freed;
            // The tail goes: the newest mapping also ends the backing file, so the file can be cut with it.
            var cut = wanted >= length ? length : (wanted + PageSize - 1) / PageSize * PageSize;
            if (cut == length)
            {
                _mappings.RemoveAt(_mappings.Count - 1);
            }
            else
            {
                _mappings[^1] = (address, length - cut);
            }

            _ = WorkloadNative.Munmap(address + (nint)(length - cut), (nuint)cut);
            freed += cut;
            HeldBytes -= cut;
            if (_backing is not null)
            {
                // Unmapping leaves a memfd's pages allocated and a file's pages cached: cut them off too.
                _backingLength -= cut;
                _ = WorkloadNative.Ftruncate(Fd, _backingLength);
            }
        }

        if (_mappings.Count == 0)
        {
            _carry = 0;
        }

        return freed;
    }

    public void Dispose()
    {
        Free(long.MaxValue);
        _backing?.Dispose();
    }

    private int Fd => (int)_backing!.DangerousGetHandle();

    private static SafeFileHandle CreateDiskFile()
    {
        var path = Path.Combine(FileBackingDirectory.Choose(), $"memgrowth-grow-{Environment.ProcessId}-{Guid.NewGuid():N}");
        var handle = File.OpenHandle(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, FileOptions.None);
        // Unlinked at once: the open handle keeps the pages, and nothing is left behind if we are killed.
        File.Delete(path);
        return handle;
    }

    private static SafeFileHandle CreateMemfd()
    {
        var fd = WorkloadNative.MemfdCreate("memgrowth-grow", WorkloadNative.MfdCloexec);
        return fd >= 0 ? new SafeFileHandle(fd, ownsHandle: true) : throw new IOException($"memfd_create failed: {WorkloadNative.LastError()}");
    }

    private static nint Map(long length, int protection, int flags, int fd, long offset)
    {
        var address = WorkloadNative.Mmap(0, (nuint)length, protection, flags, fd, offset);
        return address != WorkloadNative.MapFailed
            ? address
            : throw new IOException($"mmap of {length} bytes failed: {WorkloadNative.LastError()}");
    }

    private nint MapAnonymous(long length)
    {
        var address = Map(length, WorkloadNative.ProtRead | WorkloadNative.ProtWrite, WorkloadNative.MapPrivate | WorkloadNative.MapAnonymous, -1, 0);
        // Without this, THP=always would fault 2 MiB at a time and RSS would climb in steps, not at the rate.
        _ = WorkloadNative.Madvise(address, (nuint)length, WorkloadNative.MadvNoHugepage);
        TouchForWrite(address, length);
        return address;
    }

    private nint MapFile(long length)
    {
        // Write real data (a hole would read as zeros without ever entering the page cache on some
        // filesystems), then map it read-only and read every page: the pages are file pages, in RssFile.
        var block = new byte[Math.Min(length, 1 << 20)];
        block.AsSpan().Fill(0x5a);
        for (long written = 0; written < length; written += block.Length)
        {
            RandomAccess.Write(_backing!, block.AsSpan(0, (int)Math.Min(block.Length, length - written)), _backingLength + written);
        }

        var address = Map(length, WorkloadNative.ProtRead, WorkloadNative.MapShared, Fd, _backingLength);
        _backingLength += length;
        TouchForRead(address, length);
        return address;
    }

    private nint MapShmem(long length)
    {
        if (WorkloadNative.Ftruncate(Fd, _backingLength + length) != 0)
        {
            throw new IOException($"growing the memfd to {_backingLength + length} bytes failed: {WorkloadNative.LastError()}");
        }

        var address = Map(length, WorkloadNative.ProtRead | WorkloadNative.ProtWrite, WorkloadNative.MapShared, Fd, _backingLength);
        _backingLength += length;
        TouchForWrite(address, length);
        return address;
    }

    private static void TouchForWrite(nint address, long length)
    {
        var bytes = (byte*)address;
        for (long offset = 0; offset < length; offset += PageSize)
        {
            bytes[offset] = 1;
        }
    }

    private void TouchForRead(nint address, long length)
    {
        var bytes = (byte*)address;
        long sum = 0;
        for (long offset = 0; offset < length; offset += PageSize)
        {
            sum += Volatile.Read(ref bytes[offset]);
        }

        _sink += sum; // kept, so the reads cannot be optimised away
    }
}
