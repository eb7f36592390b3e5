using Microsoft.Data.Sqlite;

namespace MemGrowth.Analytics.Tests.History;

/// <summary>History databases that do not read, for the tests of what a node says about them.</summary>
internal static class BrokenDatabase
{
    /// <summary>A garbage file, or a real multi-page SQLite database cut to half its length.</summary>
    public static void Write(string database, string kind)
    {
        if (kind == "garbage")
        {
            File.WriteAllBytes(database, [.. Enumerable.Range(0, 8192).Select(i => (byte)(i * 7919 % 251))]);
            return;
        }

        CreateDatabase(database, rows: 2000);
        using var file = new FileStream(database, FileMode.Open, FileAccess.Write);
        file.SetLength(file.Length / 2);
    }

    /// <summary>A real SQLite database of <paramref name="rows"/> rows of 100 bytes.</summary>
    public static void CreateDatabase(string database, int rows)
    {
        using var connection = new SqliteConnection($"Data Source={database};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = $"CREATE TABLE journal (x TEXT); WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {rows}) INSERT INTO journal SELECT printf('%0100d', i) FROM n;";
        command.ExecuteNonQuery();
    }
}
