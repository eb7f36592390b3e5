using MemGrowth.NodeAgent.Cgroups;
using Xunit;

namespace MemGrowth.NodeAgent.Tests.Cgroups;

public sealed class CgroupMountTests
{
    [Fact]
    public void Should_map_paths_under_a_mount_of_the_root()
    {
        var mount = new CgroupMount("/sys/fs/cgroup", "/");
        Assert.Equal("/sys/fs/cgroup", mount.DirectoryFor("/"));
        Assert.Equal("/sys/fs/cgroup/system.slice/x.scope", mount.DirectoryFor("/system.slice/x.scope"));
        Assert.True(mount.IsTop("/"));
        Assert.False(mount.IsTop("/system.slice"));
    }

    [Fact]
    public void Should_map_only_the_subtree_a_container_s_mount_shows()
    {
        var mount = new CgroupMount("/sys/fs/cgroup/memory", "/docker/abc");
        Assert.Equal("/sys/fs/cgroup/memory", mount.DirectoryFor("/docker/abc"));
        Assert.Equal("/sys/fs/cgroup/memory/child", mount.DirectoryFor("/docker/abc/child"));
        Assert.Null(mount.DirectoryFor("/docker/abcdef"));
        Assert.Null(mount.DirectoryFor("/docker/other"));
        Assert.True(mount.IsTop("/docker/abc"));
    }

    [Fact]
    public void Should_not_map_paths_from_outside_the_cgroup_namespace() =>
        Assert.Null(new CgroupMount("/sys/fs/cgroup", "/").DirectoryFor("/../../system.slice/other.scope"));
}
