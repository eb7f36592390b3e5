using System.Globalization;
using MemGrowth.Shared.Settings;

namespace MemGrowth.Analytics.History;

/// <summary>
/// One process at a time keeps a standalone history: the running node holds an exclusive lock on
/// DATA-DIR/memgrowth.lock (flock, which the kernel releases when the process dies, however it dies), and
/// names itself in DATA-DIR/memgrowth.pid. Two nodes on one history would run the same persistent entities
/// twice and corrupt it.
/// </summary>
public sealed class HistoryLock : IDisposable
{
    private readonly FileStream _file;

    private HistoryLock(FileStream file) => _file = file;

    private const int WouldBlock = 11; // EWOULDBLOCK from flock: an IOException's HResult is the errno on Unix

    /// <summary>The lock, or null with the holder's pid (0 when unknown) when another process has it.</summary>
    /// <exception cref="IOException">The lock file cannot be created (no space, a read-only file system).</exception>
    /// <exception cref="UnauthorizedAccessException">The directory is not this user's to write.</exception>
    public static HistoryLock? TryAcquire(string dataDir, out int holder)
    {
        if (OperatingSystem.IsWindows())
        {
            throw new PlatformNotSupportedException("memgrowth runs on Linux");
        }

        holder = 0;
        FileStream file;
        try
        {
            file = new FileStream(Path.Combine(dataDir, "memgrowth.lock"), new FileStreamOptions
            {
                Mode = FileMode.OpenOrCreate,
                Access = FileAccess.ReadWrite,
                Share = FileShare.None,
                UnixCreateMode = PrivateModes.File,
            });
        }
        catch (IOException e) when (e.HResult == WouldBlock)
        {
            holder = ReadHolder(dataDir);
            return null;
        }

        try
        {
            File.WriteAllText(PidPath(dataDir), Environment.ProcessId.ToString(CultureInfo.InvariantCulture));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Only the message to a second process loses its pid.
        }

        return new HistoryLock(file);
    }

    public void Dispose() => _file.Dispose();

    private static string PidPath(string dataDir) => Path.Combine(dataDir, "memgrowth.pid");

    private static int ReadHolder(string dataDir)
    {
        try
        {
            return int.TryParse(File.ReadAllText(PidPath(dataDir)).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) ? pid : 0;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return 0;
        }
    }
}
