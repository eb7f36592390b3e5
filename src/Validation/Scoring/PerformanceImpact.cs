namespace MemGrowth.Validation.Scoring;

/// <summary>What the agent cost the host during the run (from /proc and its own status).</summary>
/// <param name="AgentCpuPercent">Agent CPU time over wall time, in % of one core.</param>
/// <param name="AgentPeakRssMiB">The agent's highest VmRSS seen.</param>
/// <param name="SamplesPerSecond">Samples the agent received per second, averaged over the run.</param>
/// <param name="TrackedProcesses">Distinct processes the agent had, over the run.</param>
public sealed record PerformanceImpact(double AgentCpuPercent, double AgentPeakRssMiB, double SamplesPerSecond, int TrackedProcesses);
