using MemGrowth.Shared.Settings;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace MemGrowth.Analytics.History;

/// <summary>
/// The standalone node's data directory, made ready before anything journals into it: private (0700; its
/// files 0600: the history holds every leaking process's command line), held (<see cref="HistoryLock"/>),
/// and its database a readable, writable SQLite file. Whatever is wrong is one <see cref="DataDirException"/>
/// naming the path and what to do, not a stack trace from deep in the journal.
/// </summary>
public static class DataDirectory
{
    private const int NoSpace = 28; // ENOSPC: an IOException's HResult is the errno on Unix
    private const int ReadOnlyFileSystem = 30; // EROFS

    // SQLite's -wal, -shm and -journal files take the database file's mode (os_unix.c findCreateFileMode),
    // so a database created 0600 keeps them 0600; these are tightened too when an older build left them open.
    private static readonly string[] DatabaseFiles = ["", "-wal", "-shm", "-journal"];

    public static string DatabasePath(string dir) => Path.Combine(dir, "memgrowth.db");

    /// <summary>For `memgrowth run`: the directory private, held by this process, its database checked readable and writable.</summary>
    /// <exception cref="DataDirException">Not writable, no space, or a database that cannot be read.</exception>
    /// <exception cref="ArgumentException">Another memgrowth holds the directory.</exception>
    public static HistoryLock Open(string dir, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(dir);
        CreatePrivate(dir);
        HistoryLock? held;
        int holder;
        try
        {
            held = HistoryLock.TryAcquire(dir, out holder);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw Unwritable(dir, e);
        }

        if (held is null)
        {
            throw new ArgumentException($"data-dir {dir} is in use by another memgrowth{(holder > 0 ? $" (pid {holder})" : "")}: stop it, or give this one another --data-dir (\"\" for none)");
        }

        try
        {
            // Once it is known to be writable (the lock), so a directory that is refused draws no warning first.
            Tighten(dir, PrivateModes.Directory, logger);
            var database = DatabasePath(dir);
            var created = CreatePrivateDatabase(database, dir);
            Check(database, dir, write: true);
            if (!created)
            {
                // After the check: a database refused is left as it was found.
                foreach (var suffix in DatabaseFiles)
                {
                    if (File.Exists(database + suffix))
                    {
                        Tighten(database + suffix, PrivateModes.File, logger);
                    }
                }
            }

            return held;
        }
        catch
        {
            held.Dispose();
            throw;
        }
    }

    /// <summary>For `memgrowth leaks`: false when there is no history; throws when there is one that cannot be read.</summary>
    /// <exception cref="DataDirException">The directory or the database cannot be read, or the database is not one.</exception>
    public static bool RequireReadable(string dir)
    {
        var database = DatabasePath(dir);
        try
        {
            using var file = new FileStream(database, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return false;
        }
        catch (UnauthorizedAccessException e)
        {
            throw new DataDirException($"cannot read {database} (permission denied): run as root, or pass --data-dir DIR of a history you can read", e);
        }
        catch (IOException e)
        {
            throw new DataDirException($"cannot read {database} ({Reason(e)}): pass --data-dir DIR of another history", e);
        }

        Check(database, dir, write: false);
        return true;
    }

    /// <summary>The message for a database that fails while it is read (past the check at start).</summary>
    public static DataDirException Unreadable(string database, SqliteException e) => new(
        $"{database} is not a readable SQLite database ({Reason(e)}): move it aside to start a new history, or pass --data-dir",
        e);

    private static void CreatePrivate(string dir)
    {
        if (OperatingSystem.IsWindows())
        {
            throw new PlatformNotSupportedException("memgrowth runs on Linux");
        }

        try
        {
            Directory.CreateDirectory(dir, PrivateModes.Directory); // an existing one keeps its mode (tightened later)
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw Unwritable(dir, e);
        }
    }

    /// <returns>True when created here (0600); false when it was there already.</returns>
    private static bool CreatePrivateDatabase(string database, string dir)
    {
        if (OperatingSystem.IsWindows())
        {
            throw new PlatformNotSupportedException("memgrowth runs on Linux");
        }

        try
        {
            // Created here, 0600, so that SQLite opens a file whose mode it then gives its journal files.
            using var created = new FileStream(database, new FileStreamOptions
            {
                Mode = FileMode.CreateNew,
                Access = FileAccess.Write,
                UnixCreateMode = PrivateModes.File,
            });
            return true;
        }
        catch (IOException) when (File.Exists(database))
        {
            return false;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw Unwritable(dir, e);
        }
    }

    /// <summary>An existing path open to others is narrowed to <paramref name="mode"/>, when this process may (its owner, or root).</summary>
    private static void Tighten(string path, UnixFileMode mode, ILogger logger)
    {
        if (OperatingSystem.IsWindows())
        {
            throw new PlatformNotSupportedException("memgrowth runs on Linux");
        }

        UnixFileMode current;
        try
        {
            current = File.GetUnixFileMode(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return; // what cannot even be looked at fails with its own message when it is used
        }

        if ((current & ~mode) == 0)
        {
            return;
        }

        try
        {
            File.SetUnixFileMode(path, current & mode);
            logger.LogWarning("{Path} was open to other users (mode {Old}): now {New}, as the leak history holds command lines", path, Octal(current), Octal(current & mode));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            logger.LogWarning("{Path} is open to other users (mode {Old}) and cannot be narrowed to {New} ({Reason}): the leak history in it holds command lines", path, Octal(current), Octal(mode), e.Message);
        }
    }

    /// <summary>Reads every page (quick_check), and with <paramref name="write"/> writes one transaction, so a database that is not one, or a disk that is full, stops the start-up here.</summary>
    private static void Check(string database, string dir, bool write)
    {
        var connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = database,
            Mode = write ? SqliteOpenMode.ReadWrite : SqliteOpenMode.ReadOnly,
            Pooling = false,
        }.ToString();
        try
        {
            using var connection = new SqliteConnection(connectionString);
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA quick_check";
            var problems = new List<string>();
            using (var reader = command.ExecuteReader())
            {
                while (reader.Read() && problems.Count < 3)
                {
                    problems.Add(reader.GetString(0));
                }
            }

            if (problems is not ["ok"])
            {
                throw new DataDirException($"{database} is not a readable SQLite database ({string.Join("; ", problems)}): move it aside to start a new history, or pass --data-dir");
            }

            if (write)
            {
                // user_version is unused (0): setting it to itself is the smallest transaction that writes.
                command.CommandText = "PRAGMA user_version";
                var version = Convert.ToInt64(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
                command.CommandText = $"BEGIN IMMEDIATE; PRAGMA user_version = {version}; COMMIT;";
                command.ExecuteNonQuery();
            }
        }
        catch (SqliteException e) when (e.SqliteErrorCode is 26 or 11)
        {
            throw Unreadable(database, e);
        }
        catch (SqliteException e) when (e.SqliteErrorCode == 13)
        {
            throw new DataDirException($"cannot write history to {dir}: No space left on device: free space there, or pass --data-dir DIR elsewhere, or --data-dir \"\" for no history", e);
        }
        catch (SqliteException e) when (e.SqliteErrorCode is 8 or 14 or 23)
        {
            throw write
                ? new DataDirException($"cannot write {database} ({Reason(e)}): run as root, or pass --data-dir DIR you can write, or --data-dir \"\" for no history", e)
                : new DataDirException($"cannot read {database} ({Reason(e)}): run as root, or pass --data-dir DIR of a history you can read", e);
        }
        catch (SqliteException e)
        {
            throw new DataDirException($"cannot use {database} ({Reason(e)}): move it aside to start a new history, or pass --data-dir", e);
        }
    }

    private static DataDirException Unwritable(string dir, Exception e) => e switch
    {
        UnauthorizedAccessException => new DataDirException($"cannot write {dir} (permission denied): run as root, or pass --data-dir DIR you can write, or --data-dir \"\" for no history", e),
        IOException { HResult: NoSpace } => new DataDirException($"cannot write history to {dir}: No space left on device: free space there, or pass --data-dir DIR elsewhere, or --data-dir \"\" for no history", e),
        IOException { HResult: ReadOnlyFileSystem } => new DataDirException($"cannot write {dir} (read-only file system): pass --data-dir DIR on a writable one, or --data-dir \"\" for no history", e),
        _ => new DataDirException($"cannot write {dir} ({Reason(e)}): pass --data-dir DIR you can write, or --data-dir \"\" for no history", e),
    };

    /// <summary>An exception's message as a clause: one line, without SQLite's "SQLite Error N: '…'." wrapping.</summary>
    private static string Reason(Exception e)
    {
        var message = e is SqliteException s ? SqliteReason(s) : e.Message;
        var newline = message.IndexOfAny(['\r', '\n']);
        return (newline < 0 ? message : message[..newline]).Trim().TrimEnd('.');
    }

    private static string SqliteReason(SqliteException e)
    {
        // "SQLite Error 14: 'unable to open database file'."
        var start = e.Message.IndexOf('\'', StringComparison.Ordinal);
        var end = e.Message.LastIndexOf('\'');
        return start >= 0 && end > start ? e.Message[(start + 1)..end] : e.Message;
    }

    private static string Octal(UnixFileMode mode) => "0" + Convert.ToString((int)mode, 8);
}
