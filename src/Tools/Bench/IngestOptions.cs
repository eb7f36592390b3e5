namespace MemGrowth.Tools.Bench;

/// <summary>What `memgrowth bench ingest` is told (the executable's bench ingest command parses and checks it).</summary>
public sealed record IngestOptions
{
    /// <summary>The fleet settings; null for config/fleet.hocon beside the binary.</summary>
    public string? FleetConfig { get; init; }

    /// <summary>Detections to deliver; 0 only delivers what the outbox holds.</summary>
    public int Count { get; init; } = 100_000;

    /// <summary>Distinct leaks they belong to: one Detected, then Updated ones.</summary>
    public int Leaks { get; init; } = 1000;

    /// <summary>Detections offered per second; 0 as fast as delivery takes them.</summary>
    public int Rate { get; init; }

    /// <summary>Also time each detection until the read model holds it.</summary>
    public bool ReadModel { get; init; }

    /// <summary>The outbox; null for a fresh temporary directory, removed at the end.</summary>
    public string? Outbox { get; init; }

    public string Host { get; init; } = "bench-" + Guid.NewGuid().ToString("N")[..8];

    /// <summary>Detections of a host of their own delivered first, unmeasured, so that the run measures warm processes.</summary>
    public int WarmUp { get; init; }

    /// <summary>Print "ingest: acked A/N ..." every second.</summary>
    public bool Progress { get; init; }

    /// <summary>Also write the Markdown result here.</summary>
    public string? OutPath { get; init; }
}
