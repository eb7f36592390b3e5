namespace MemGrowth.NodeAgent.Cgroups;

/// <summary>
/// The cgroup mounts memory questions need: the cgroup2 mount (pure v2 at /sys/fs/cgroup, hybrid at
/// /sys/fs/cgroup/unified) and the v1 mount that carries the memory controller. Either may be absent.
/// </summary>
internal sealed record CgroupMounts(CgroupMount? Unified, CgroupMount? MemoryV1)
{
    public static readonly CgroupMounts None = new(null, null);

    public CgroupMount? For(CgroupHierarchy hierarchy) =>
        hierarchy == CgroupHierarchy.Unified ? Unified : MemoryV1;
}
