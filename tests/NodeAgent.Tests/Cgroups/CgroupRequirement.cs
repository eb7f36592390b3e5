using MemGrowth.NodeAgent.Cgroups;

namespace MemGrowth.NodeAgent.Tests.Cgroups;

/// <summary>
/// Whether the real cgroup tests can run here. On a developer machine without root they step aside
/// with a sentence; with CI=true they must run, so anything missing fails the test with what to do.
/// A hierarchy this host simply does not have (v1 memory on a pure v2 host, or v2 memory on a hybrid
/// host where memory is bound to v1) is not missing: the other hierarchy's test covers the host.
/// </summary>
internal static class CgroupRequirement
{
    private static bool InCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    /// <summary>Null when the test can run; otherwise why not (and the test returns early).</summary>
    public static string? Check(CgroupHierarchy hierarchy, CgroupMounts mounts)
    {
        if (!Environment.IsPrivilegedProcess)
        {
            return Missing("run as root: cgroup tests create memory cgroups (sudo ./memgrowth test)");
        }

        var v1 = mounts.MemoryV1 is { Root: "/" };
        var v2 = V2HasMemory(mounts);
        if (!v1 && !v2)
        {
            return Missing(
                "no cgroup hierarchy with the memory controller is mounted at its root: mount cgroup2 with memory in " +
                "cgroup.subtree_control (pure v2), or the v1 memory controller (mount -t cgroup -o memory cgroup /sys/fs/cgroup/memory)");
        }

        return (hierarchy, v1, v2) switch
        {
            (CgroupHierarchy.MemoryV1, false, _) => "this host has no cgroup v1 memory controller (pure v2): the v2 test covers it",
            (CgroupHierarchy.Unified, _, false) => $"cgroup2{(mounts.Unified is null ? " is not mounted" : $" at {mounts.Unified.MountPoint} has no memory controller")} (memory is on v1 here): the v1 test covers it",
            _ => null,
        };
    }

    /// <summary>The memory controller can be used for children of the cgroup2 root.</summary>
    public static bool V2HasMemory(CgroupMounts mounts)
    {
        if (mounts.Unified is not { Root: "/" } unified)
        {
            return false;
        }

        var control = Path.Combine(unified.MountPoint, "cgroup.subtree_control");
        return File.Exists(control) && File.ReadAllText(control).Split(' ', '\n').Contains("memory");
    }

    private static string Missing(string what) =>
        InCi ? throw new InvalidOperationException($"{what} (CI=true: cgroup tests must run)") : what;
}
