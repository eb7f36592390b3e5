namespace MemGrowth.NodeAgent.Cgroups;

/// <summary>
/// Where one cgroup hierarchy is mounted. <see cref="Root"/> is the hierarchy path the mount shows
/// (mountinfo field 4): "/" normally, "/docker/&lt;id&gt;" in a container without a cgroup namespace,
/// where the container sees only its own subtree at the mount point.
/// </summary>
internal sealed record CgroupMount(string MountPoint, string Root)
{
    /// <summary>
    /// The directory of <paramref name="cgroupPath"/> under this mount, or null when the path lies
    /// outside what the mount shows (a process in another container, or "/.." paths from outside our
    /// cgroup namespace): nothing about it can be read from here.
    /// </summary>
    public string? DirectoryFor(string cgroupPath)
    {
        var root = Root.TrimEnd('/');
        if (root.Length > 0)
        {
            if (!cgroupPath.StartsWith(root, StringComparison.Ordinal) ||
                (cgroupPath.Length > root.Length && cgroupPath[root.Length] != '/'))
            {
                return null;
            }

            cgroupPath = cgroupPath[root.Length..];
        }

        if (cgroupPath.Contains("/..", StringComparison.Ordinal))
        {
            return null;
        }

        var relative = cgroupPath.Trim('/');
        return relative.Length == 0 ? MountPoint : Path.Combine(MountPoint, relative);
    }

    /// <summary>True when <paramref name="cgroupPath"/> is the topmost group this mount shows.</summary>
    public bool IsTop(string cgroupPath) => cgroupPath.TrimEnd('/') == Root.TrimEnd('/') || cgroupPath == "/";
}
