using System.Runtime.InteropServices;
using MemGrowth.Shared.Settings;

namespace MemGrowth.NodeAgent.Delivery;

/// <summary>
/// Files only their owner may read (0600) in directories made 0700, for what holds command lines (which
/// can hold secrets), and the system's own words for why a write failed.
/// </summary>
internal static class OwnerOnlyFiles
{
    public const UnixFileMode FileMode = PrivateModes.File;

    private const UnixFileMode DirectoryMode = PrivateModes.Directory;

    /// <summary>Options to write a file created 0600; appends share reading, anything else nothing.</summary>
    public static FileStreamOptions WriteOptions(System.IO.FileMode mode, int bufferSize)
    {
        var options = new FileStreamOptions
        {
            Mode = mode,
            Access = FileAccess.Write,
            Share = mode == System.IO.FileMode.Append ? FileShare.Read : FileShare.None,
            BufferSize = bufferSize,
        };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = FileMode;
        }

        return options;
    }

    /// <summary>Creates the directory (and its missing parents) 0700; an existing one keeps its mode, as it may be shared.</summary>
    public static void CreateDirectory(string dir)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(dir);
        }
        else
        {
            Directory.CreateDirectory(dir, DirectoryMode);
        }
    }

    /// <summary>"No space left on device" rather than .NET's message with the temp file's path in it.</summary>
    public static string Reason(Exception e) =>
        e is IOException { HResult: > 0 and < 4096 } ? Marshal.GetPInvokeErrorMessage(e.HResult) : e.Message;
}
