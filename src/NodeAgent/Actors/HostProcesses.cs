using MemGrowth.NodeAgent.Cgroups;
using MemGrowth.NodeAgent.Sources;
using MemGrowth.Shared.Growth;

namespace MemGrowth.NodeAgent.Actors;

/// <summary><see cref="IHostProcesses"/> over /proc and cgroupfs.</summary>
public sealed class HostProcesses : IHostProcesses
{
    private readonly ProcfsReader _procfs = new();
    private readonly CgroupResolver _cgroups = new(clock: () => MonotonicClock.NowSeconds);
    private readonly DateTimeOffset _boot = BootTime();

    // A zombie has exited: its memory is gone, only its exit status waits for the parent.
    public bool IsAlive(ProcessKey key) => _procfs.ReadStat(key.Pid) is { State: not 'Z' } stat && stat.StartTicks == key.StartTicks;

    public ProcessDetails Describe(int pid)
    {
        var cgroup = _cgroups.Resolve(pid);
        return new ProcessDetails(_procfs.ReadCmdline(pid), cgroup?.Path, cgroup?.ContainerId, cgroup?.MemoryLimitBytes, cgroup?.UsageBytes);
    }

    public DateTimeOffset StartTimeOf(ProcessKey key) => _boot + TimeSpan.FromSeconds(key.StartTicks / (double)MonotonicClock.TicksPerSecond);

    /// <summary>Boot time from /proc/stat's btime (whole seconds, as ps computes start times).</summary>
    private static DateTimeOffset BootTime()
    {
        foreach (var line in File.ReadLines("/proc/stat"))
        {
            if (line.StartsWith("btime ", StringComparison.Ordinal))
            {
                return DateTimeOffset.FromUnixTimeSeconds(long.Parse(line.AsSpan(6), System.Globalization.CultureInfo.InvariantCulture));
            }
        }

        return DateTimeOffset.UtcNow - TimeSpan.FromSeconds(Environment.TickCount64 / 1000.0);
    }
}
