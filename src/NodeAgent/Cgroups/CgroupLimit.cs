namespace MemGrowth.NodeAgent.Cgroups;

/// <summary>
/// The effective memory limit of one cgroup in one hierarchy, as found by walking up to the root.
/// </summary>
/// <param name="Readable">False when the cgroup lies outside what this host's mount shows, so its files
/// (and its ancestors') cannot be read: the limit is unknown rather than absent.</param>
/// <param name="LimitBytes">The tightest limit on the way to the root, null when there is none.</param>
/// <param name="LimitPath">The cgroup that holds <paramref name="LimitBytes"/>.</param>
internal readonly record struct CgroupLimit(bool Readable, long? LimitBytes, string? LimitPath)
{
    public static readonly CgroupLimit Unreadable = new(false, null, null);
}
