namespace MemGrowth.NodeAgent.Cgroups;

/// <summary>
/// The cgroups one process belongs to, from /proc/PID/cgroup. Paths are relative to each hierarchy's
/// root as the reading process's cgroup namespace sees it.
/// </summary>
/// <param name="UnifiedPath">The cgroup v2 path (line <c>0::/path</c>), null on a pure v1 host.</param>
/// <param name="MemoryV1Path">The v1 memory controller's path, null when memory is not on v1.</param>
/// <param name="AllPaths">Every line's path, unified first, then memory, then the rest in file order:
/// where to look for a container id when the two above carry none (e.g. only name=systemd does).</param>
internal sealed record CgroupMembership(string? UnifiedPath, string? MemoryV1Path, IReadOnlyList<string> AllPaths);
