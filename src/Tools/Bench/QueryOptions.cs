using MemGrowth.Shared.Settings;

namespace MemGrowth.Tools.Bench;

/// <summary>
/// What `memgrowth bench query` is told (the executable's bench query command parses and checks it: at least
/// as many detections as leaks, and a connection string for PostgreSQL).
/// </summary>
public sealed record QueryOptions
{
    public JournalDatabase Database { get; init; } = JournalDatabase.Sqlite;

    /// <summary>Null for SQLite in a fresh temporary directory; required for PostgreSQL.</summary>
    public string? ConnectionString { get; init; }

    /// <summary>Report rows to store, at least one per leak.</summary>
    public int Detections { get; init; } = 1_000_000;

    public int Leaks { get; init; } = 50_000;

    public int Services { get; init; } = 200;

    public int Hosts { get; init; } = 500;

    /// <summary>Timed requests, after the untimed warm-up ones.</summary>
    public int Queries { get; init; } = 2000;

    /// <summary>The synthetic data's and queries' random seed.</summary>
    public int Seed { get; init; } = 1;

    /// <summary>Keep the SQLite file or PostgreSQL schema, and say where it is.</summary>
    public bool Keep { get; init; }

    /// <summary>Also write the Markdown result here.</summary>
    public string? OutPath { get; init; }
}
