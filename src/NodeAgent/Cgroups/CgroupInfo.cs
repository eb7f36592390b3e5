namespace MemGrowth.NodeAgent.Cgroups;

/// <summary>
/// A process's cgroup as far as memory is concerned.
/// </summary>
/// <param name="Path">The cgroup path in the hierarchy that governs the process's memory: the v2 path, or
/// the v1 memory path on hybrid hosts where memory is accounted (and limited) there.</param>
/// <param name="ContainerId">The 64-hex container id, null for host processes.</param>
/// <param name="PodUid">The Kubernetes pod uid, null outside Kubernetes.</param>
/// <param name="MemoryLimitBytes">The effective limit: the tightest one on the way from the process's
/// cgroup up to the root, null when nothing on the way is limited.</param>
/// <param name="LimitCgroupPath">The cgroup holding that limit (an ancestor of <see cref="Path"/>, or itself).</param>
/// <param name="UsageBytes">Memory charged to the cgroup holding the limit (own cgroup when there is none),
/// when this was resolved; null when it cannot be read (e.g. the root cgroup on v2).</param>
internal sealed record CgroupInfo(
    string Path,
    string? ContainerId,
    string? PodUid,
    long? MemoryLimitBytes,
    string? LimitCgroupPath,
    long? UsageBytes)
{
    /// <summary>The hierarchy <see cref="Path"/> and <see cref="LimitCgroupPath"/> belong to.</summary>
    public CgroupHierarchy Hierarchy { get; init; } = CgroupHierarchy.Unified;
}
