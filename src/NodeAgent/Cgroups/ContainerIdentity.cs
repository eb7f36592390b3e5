namespace MemGrowth.NodeAgent.Cgroups;

/// <summary>
/// The container a cgroup path names: <see cref="ContainerId"/> is the runtime's 64-hex id (null for
/// host processes), <see cref="PodUid"/> the Kubernetes pod uid with dashes (null outside Kubernetes).
/// </summary>
internal readonly record struct ContainerIdentity(string? ContainerId, string? PodUid)
{
    public static readonly ContainerIdentity None = new(null, null);
}
