using MemGrowth.Shared.Messages;

namespace MemGrowth.Analytics.Leaks;

/// <summary>
/// What a leak aggregates under across the fleet: the systemd service its cgroup names when there is one
/// ("nginx.service"), else the executable (comm). Container images are not known to the agent (it reads
/// no runtime API), so containers aggregate by executable too.
/// </summary>
public static class ServiceKey
{
    public static string Of(Detection detection)
    {
        ArgumentNullException.ThrowIfNull(detection);
        if (detection.Process.Cgroup is { } cgroup)
        {
            var last = cgroup.TrimEnd('/');
            last = last[(last.LastIndexOf('/') + 1)..];
            if (last.EndsWith(".service", StringComparison.Ordinal) && last.Length > ".service".Length)
            {
                return last;
            }
        }

        return string.IsNullOrEmpty(detection.Process.Comm) ? "unknown" : detection.Process.Comm;
    }
}
