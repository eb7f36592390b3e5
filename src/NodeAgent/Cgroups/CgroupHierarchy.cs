namespace MemGrowth.NodeAgent.Cgroups;

/// <summary>Which cgroup hierarchy a path belongs to: the same path names different groups in each.</summary>
internal enum CgroupHierarchy
{
    /// <summary>cgroup v2, the single hierarchy (0::/path in /proc/PID/cgroup).</summary>
    Unified,

    /// <summary>The cgroup v1 hierarchy the memory controller is bound to (N:memory:/path).</summary>
    MemoryV1,
}
