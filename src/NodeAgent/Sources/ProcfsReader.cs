using System.Globalization;
using System.IO.Enumeration;
using MemGrowth.Shared.Growth;

namespace MemGrowth.NodeAgent.Sources;

/// <summary>
/// Reads processes from procfs. Built for a poller that reads every process every second: one reused
/// buffer, handle-based reads, no per-line strings. Not thread-safe (the buffer is shared); use one
/// reader per thread. A process that exits mid-read yields null (or "" for the command line), never an exception.
/// </summary>
public sealed class ProcfsReader(string root = "/proc")
{
    // Command lines can be as long as ARG_MAX; past this the rest is not worth keeping.
    private const int MaxFileBytes = 1 << 20;

    private byte[] _buffer = new byte[4096];

    public string Root { get; } = root;

    /// <summary>The pids (thread-group ids) present now: the numeric directories of the procfs root.</summary>
    public IEnumerable<int> ListPids() =>
        new FileSystemEnumerable<int>(
            Root,
            static (ref FileSystemEntry entry) => int.Parse(entry.FileName, NumberStyles.None, CultureInfo.InvariantCulture),
            new EnumerationOptions { IgnoreInaccessible = true, AttributesToSkip = 0 })
        {
            ShouldIncludePredicate = static (ref FileSystemEntry entry) => entry.IsDirectory && IsPid(entry.FileName),
        };

    /// <summary>Identity and memory of one process; null when it is gone.</summary>
    public ProcfsProcess? Read(int pid)
    {
        // stat before status: the identity is fixed first, so a pid reused between the two reads can at
        // worst lend one sample's memory to the old key, never create a key that never existed.
        if (ReadStat(pid) is not { } stat || ReadStatus(pid) is not { } status)
        {
            return null;
        }

        return new ProcfsProcess(
            new ProcessKey(stat.Pid, stat.StartTicks),
            stat.Comm,
            stat.State,
            stat.Ppid,
            stat.IsKernelThread,
            status.FileBytes,
            status.AnonBytes,
            status.SwapBytes,
            status.ShmemBytes);
    }

    public ProcfsStat? ReadStat(int pid)
    {
        var length = ReadFile($"{Root}/{pid}/stat", shortReadIsEnd: true);
        return length > 0 && ProcfsParser.TryParseStat(_buffer.AsSpan(0, length), out var stat) ? stat : null;
    }

    public ProcfsStatus? ReadStatus(int pid)
    {
        var length = ReadFile($"{Root}/{pid}/status", shortReadIsEnd: true);
        return length > 0 ? ProcfsParser.ParseStatus(_buffer.AsSpan(0, length)) : null;
    }

    /// <summary>The command line, space-joined; "" for kernel threads, zombies, and processes that are gone.</summary>
    public string ReadCmdline(int pid)
    {
        var length = ReadFile($"{Root}/{pid}/cmdline", shortReadIsEnd: false);
        return length > 0 ? ProcfsParser.ParseCmdline(_buffer.AsSpan(0, length)) : "";
    }

    private static bool IsPid(ReadOnlySpan<char> name)
    {
        if (name.IsEmpty || name.Length > 10)
        {
            return false;
        }

        foreach (var c in name)
        {
            if (!char.IsAsciiDigit(c))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// Reads the whole file into the shared buffer; its length, or -1 when the file (or process) is gone.
    /// With <paramref name="shortReadIsEnd"/>, a read that does not fill the buffer is taken as the end:
    /// stat and status are seq_files generated whole on the first read, so this saves the
    /// extra read() that would only return 0, a third of the syscalls per file.
    /// </summary>
    private int ReadFile(string path, bool shortReadIsEnd)
    {
        try
        {
            using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            var total = 0;
            while (true)
            {
                if (total == _buffer.Length)
                {
                    if (_buffer.Length >= MaxFileBytes)
                    {
                        return total;
                    }

                    Array.Resize(ref _buffer, _buffer.Length * 2);
                }

                var space = _buffer.Length - total;
                var read = RandomAccess.Read(handle, _buffer.AsSpan(total), total);
                total += read;
                if (read == 0 || (shortReadIsEnd && read < space))
                {
                    return total;
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // FileNotFound/DirectoryNotFound: gone before the open; IOException with ESRCH: gone during the read.
            return -1;
        }
    }
}
