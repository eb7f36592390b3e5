using MemGrowth.Shared.Growth;

namespace MemGrowth.NodeAgent.Actors;

/// <summary>What a tracker learns about its process beyond the samples, when it has something to say.</summary>
public sealed record ProcessDetails(
    string Cmdline,
    string? Cgroup,
    string? ContainerId,
    long? MemoryLimitBytes,
    long? CgroupUsageBytes);

/// <summary>The host's process table, as the actors need it. Implemented over /proc and cgroupfs.</summary>
public interface IHostProcesses
{
    /// <summary>Whether this exact process (PID and start time) is still running.</summary>
    bool IsAlive(ProcessKey key);

    ProcessDetails Describe(int pid);

    DateTimeOffset StartTimeOf(ProcessKey key);
}
