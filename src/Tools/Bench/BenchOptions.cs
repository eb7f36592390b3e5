namespace MemGrowth.Tools.Bench;

/// <summary>What `memgrowth bench overhead` is told (the executable's bench overhead command parses and checks it).</summary>
public sealed record BenchOptions
{
    /// <summary>Size of the page-fault storm, GiB.</summary>
    public double StormGib { get; init; } = 2;

    /// <summary>Storms per side, without and with the agent.</summary>
    public int Repeats { get; init; } = 7;

    /// <summary>Synthetic growers for the agent-cost part.</summary>
    public int Growers { get; init; } = 100;

    /// <summary>Idle processes for the bpf-vs-procfs part.</summary>
    public int Idle { get; init; } = 1000;

    /// <summary>How long each agent's CPU is measured.</summary>
    public int MeasureSeconds { get; init; } = 30;

    /// <summary>Also write the Markdown report here.</summary>
    public string? OutPath { get; init; }

    /// <summary>The memgrowth executable to start; null for this one.</summary>
    public string? AgentPath { get; init; }

    public long StormBytes => (long)(StormGib * (1L << 30));
}
