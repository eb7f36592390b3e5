namespace MemGrowth.Shared.Settings;

/// <summary>Which database holds the journal.</summary>
public enum JournalDatabase
{
    /// <summary>An embedded SQLite file: the standalone node, nothing to start.</summary>
    Sqlite,

    /// <summary>A PostgreSQL server: fleets.</summary>
    PostgreSql,
}
