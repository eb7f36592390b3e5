namespace MemGrowth.Tools.Bench;

/// <summary>What every part of the benchmark shares: its options, the agent to start, where files go, where progress goes.</summary>
internal sealed record BenchContext(BenchOptions Options, string AgentPath, string WorkDir, TextWriter Progress)
{
    public void Say(string line) => Progress.WriteLine($"[bench {DateTime.Now:HH:mm:ss}] {line}");
}
