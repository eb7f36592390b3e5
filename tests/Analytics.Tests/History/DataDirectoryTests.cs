using System.Runtime.Versioning;
using MemGrowth.Analytics.History;
using MemGrowth.Shared.Settings;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit;

namespace MemGrowth.Analytics.Tests.History;

/// <summary>The standalone history's directory and files are private, and a database that is not one is named, not thrown.</summary>
[UnsupportedOSPlatform("windows")] // file modes; memgrowth is Linux-only
public sealed class DataDirectoryTests : IDisposable
{
    private const UnixFileMode Open = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
        | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute;

    private readonly string _root = Directory.CreateTempSubdirectory("memgrowth-datadir").FullName;

    [Fact]
    public void Should_create_the_directory_0700_and_a_database_0600_whose_journal_files_sqlite_makes_0600()
    {
        var dir = Path.Combine(_root, "new");
        using (DataDirectory.Open(dir, NullLogger.Instance))
        {
            Assert.Equal(PrivateModes.Directory, File.GetUnixFileMode(dir));
            var database = DataDirectory.DatabasePath(dir);
            Assert.Equal(PrivateModes.File, File.GetUnixFileMode(database));

            // SQLite gives the files it creates beside the database the database's mode, whatever the umask.
            using var connection = new SqliteConnection($"Data Source={database};Pooling=False");
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA journal_mode=WAL; CREATE TABLE t (x); INSERT INTO t VALUES (1);";
            command.ExecuteNonQuery();
            Assert.Equal(PrivateModes.File, File.GetUnixFileMode(database + "-wal"));
            Assert.Equal(PrivateModes.File, File.GetUnixFileMode(database + "-shm"));
        }
    }

    [Fact]
    public void Should_narrow_an_existing_directory_and_database_left_open_to_others()
    {
        var dir = Path.Combine(_root, "old");
        Directory.CreateDirectory(dir);
        File.SetUnixFileMode(dir, Open);
        var database = DataDirectory.DatabasePath(dir);
        BrokenDatabase.CreateDatabase(database, rows: 1);
        File.SetUnixFileMode(database, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);

        using (DataDirectory.Open(dir, NullLogger.Instance))
        {
            Assert.Equal(PrivateModes.Directory, File.GetUnixFileMode(dir));
            Assert.Equal(PrivateModes.File, File.GetUnixFileMode(database));
        }
    }

    [Theory]
    [InlineData("garbage", "file is not a database")]
    [InlineData("truncated", "")]
    public void Should_name_a_database_that_cannot_be_read_and_leave_it_as_it_was(string kind, string reason)
    {
        var dir = Path.Combine(_root, kind);
        Directory.CreateDirectory(dir);
        var database = DataDirectory.DatabasePath(dir);
        BrokenDatabase.Write(database, kind);
        var before = File.ReadAllBytes(database);

        var e = Assert.Throws<DataDirException>(() => DataDirectory.Open(dir, NullLogger.Instance));
        var read = Assert.Throws<DataDirException>(() => DataDirectory.RequireReadable(dir));

        Assert.StartsWith($"{database} is not a readable SQLite database (", e.Message, StringComparison.Ordinal);
        Assert.Contains(reason, e.Message, StringComparison.Ordinal);
        Assert.EndsWith("move it aside to start a new history, or pass --data-dir", e.Message, StringComparison.Ordinal);
        Assert.Equal(e.Message, read.Message);
        Assert.DoesNotContain('\n', e.Message);
        Assert.Equal(before, File.ReadAllBytes(database));
        using var again = DataDirectory.Open(Path.Combine(_root, "elsewhere"), NullLogger.Instance); // the lock was let go
    }

    [Fact]
    public void Should_say_there_is_no_history_where_there_is_none()
    {
        Assert.False(DataDirectory.RequireReadable(Path.Combine(_root, "none")));
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);
}
