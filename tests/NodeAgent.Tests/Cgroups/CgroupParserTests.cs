using MemGrowth.NodeAgent.Cgroups;
using Xunit;

namespace MemGrowth.NodeAgent.Tests.Cgroups;

public sealed class CgroupParserTests
{
    private const string Id = "3f8e2b1c9d4a5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c2d3e4f5a6b7c8d9e0f";
    private const string PodUid = "0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b";

    [Fact]
    public void Should_read_the_unified_path_on_a_pure_v2_host()
    {
        var m = CgroupParser.ParseMembership($"0::/system.slice/docker-{Id}.scope\n");

        Assert.Equal($"/system.slice/docker-{Id}.scope", m.UnifiedPath);
        Assert.Null(m.MemoryV1Path);
        Assert.Equal([m.UnifiedPath!], m.AllPaths);
    }

    [Fact]
    public void Should_read_both_paths_on_a_hybrid_host()
    {
        // This machine's /proc/self/cgroup: memory on v1, an empty cgroup2 alongside.
        const string content = """
            9:name=systemd:/
            8:pids:/
            4:memory:/process_api/b2ae6ab92842d9ec867a1237d186dd9d
            2:cpuacct:/
            1:cpu:/
            0::/

            """;
        var m = CgroupParser.ParseMembership(content);

        Assert.Equal("/", m.UnifiedPath);
        Assert.Equal("/process_api/b2ae6ab92842d9ec867a1237d186dd9d", m.MemoryV1Path);
        Assert.Equal(["/", "/process_api/b2ae6ab92842d9ec867a1237d186dd9d", "/", "/", "/", "/"], m.AllPaths);
    }

    [Fact]
    public void Should_find_memory_among_combined_controllers_and_keep_named_hierarchies()
    {
        var m = CgroupParser.ParseMembership($"12:name=systemd:/docker/{Id}\n5:cpu,cpuacct:/docker/{Id}\n3:hugetlb,memory:/docker/{Id}\n");

        Assert.Null(m.UnifiedPath);
        Assert.Equal($"/docker/{Id}", m.MemoryV1Path);
        Assert.Equal(3, m.AllPaths.Count);
    }

    [Fact]
    public void Should_keep_colons_in_paths_and_drop_the_deleted_mark()
    {
        var m = CgroupParser.ParseMembership("0::/user.slice/odd:name (deleted)\n");
        Assert.Equal("/user.slice/odd:name", m.UnifiedPath);
    }

    [Fact]
    public void Should_find_both_mounts_in_a_hybrid_mountinfo()
    {
        const string mountinfo = """
            27 1 254:0 / / rw,relatime - ext4 /dev/vda rw,discard
            31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755
            32 31 0:29 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu
            35 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory
            40 31 0:37 / /sys/fs/cgroup/systemd rw,relatime - cgroup cgroup rw,name=systemd
            41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw
            """;
        var mounts = CgroupParser.ParseMounts(mountinfo);

        Assert.Equal(new CgroupMount("/sys/fs/cgroup/unified", "/"), mounts.Unified);
        Assert.Equal(new CgroupMount("/sys/fs/cgroup/memory", "/"), mounts.MemoryV1);
    }

    [Fact]
    public void Should_find_the_cgroup2_mount_on_a_pure_v2_host_with_optional_fields()
    {
        const string mountinfo =
            "35 24 0:30 / /sys/fs/cgroup rw,nosuid,nodev,noexec,relatime shared:9 - cgroup2 cgroup2 rw,nsdelegate,memory_recursiveprot\n";
        var mounts = CgroupParser.ParseMounts(mountinfo);

        Assert.Equal(new CgroupMount("/sys/fs/cgroup", "/"), mounts.Unified);
        Assert.Null(mounts.MemoryV1);
    }

    [Fact]
    public void Should_read_a_container_s_subtree_mount_and_unescape_mount_points()
    {
        // Docker on v1 without a cgroup namespace: the container sees only its subtree, at the mount point.
        var mountinfo = $"""
            700 690 0:32 /docker/{Id} /sys/fs/cgroup/cpu,memory ro,nosuid master:15 - cgroup cgroup rw,cpu,memory
            701 690 0:38 / /mnt/my\040cgroups rw - cgroup2 none rw
            """;
        var mounts = CgroupParser.ParseMounts(mountinfo);

        Assert.Equal(new CgroupMount("/sys/fs/cgroup/cpu,memory", $"/docker/{Id}"), mounts.MemoryV1);
        Assert.Equal("/mnt/my cgroups", mounts.Unified!.MountPoint);
    }

    [Fact]
    public void Should_prefer_a_mount_of_the_whole_hierarchy_over_a_bind_of_a_subtree()
    {
        const string mountinfo = """
            50 31 0:38 /kubepods /var/lib/kubelet/cg rw - cgroup2 cgroup2 rw
            41 31 0:38 / /sys/fs/cgroup rw - cgroup2 cgroup2 rw
            """;
        Assert.Equal("/sys/fs/cgroup", CgroupParser.ParseMounts(mountinfo).Unified!.MountPoint);
    }

    [Fact]
    public void Should_ignore_lines_that_are_not_mountinfo()
    {
        var mounts = CgroupParser.ParseMounts("garbage\n\n1 2 3\n");
        Assert.Null(mounts.Unified);
        Assert.Null(mounts.MemoryV1);
    }

    [Theory]
    [InlineData("/docker/" + Id)]                                   // Docker, cgroupfs driver
    [InlineData("/system.slice/docker-" + Id + ".scope")]           // Docker, systemd driver
    [InlineData("/system.slice/docker-" + Id + ".scope/init.scope")] // systemd inside the container
    [InlineData("/system.slice/containerd.service/cri-containerd-" + Id + ".scope")]
    [InlineData("/machine.slice/libpod-" + Id + ".scope/container")] // Podman
    [InlineData("/user.slice/user-1000.slice/user@1000.service/user.slice/libpod-" + Id + ".scope")] // rootless Podman
    [InlineData("/default/" + Id)]                                  // containerd (nerdctl)
    public void Should_find_the_container_id_of_every_runtime(string path)
    {
        var identity = CgroupParser.ParseContainer(path);
        Assert.Equal(Id, identity.ContainerId);
        Assert.Null(identity.PodUid);
    }

    [Theory]
    [InlineData("/kubepods/burstable/pod" + PodUid + "/" + Id)]    // cgroupfs driver, containerd
    [InlineData("/kubepods/pod" + PodUid + "/" + Id)]              // cgroupfs, guaranteed QoS
    [InlineData("/kubepods/besteffort/pod" + PodUid + "/crio-" + Id)]
    [InlineData("/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod0f1e2d3c_4b5a_6978_8a9b_0c1d2e3f4a5b.slice/cri-containerd-" + Id + ".scope")]
    [InlineData("/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod0f1e2d3c_4b5a_6978_8a9b_0c1d2e3f4a5b.slice/crio-" + Id + ".scope")]
    [InlineData("/kubepods.slice/kubepods-pod0f1e2d3c_4b5a_6978_8a9b_0c1d2e3f4a5b.slice/docker-" + Id + ".scope")]
    public void Should_find_container_and_pod_in_kubernetes_paths(string path)
    {
        var identity = CgroupParser.ParseContainer(path);
        Assert.Equal(Id, identity.ContainerId);
        Assert.Equal(PodUid, identity.PodUid);
    }

    [Fact]
    public void Should_accept_a_static_pod_s_hash_uid()
    {
        var identity = CgroupParser.ParseContainer($"/kubepods/burstable/pod8d5e0b6e8e4c5e3e7f0a1b2c3d4e5f60/{Id}");
        Assert.Equal("8d5e0b6e8e4c5e3e7f0a1b2c3d4e5f60", identity.PodUid);
    }

    [Fact]
    public void Should_report_the_innermost_container_of_nested_ones()
    {
        // kind: a Kubernetes node is itself a Docker container.
        const string node = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
        var identity = CgroupParser.ParseContainer($"/docker/{node}/kubepods/besteffort/pod{PodUid}/{Id}");
        Assert.Equal(Id, identity.ContainerId);
        Assert.Equal(PodUid, identity.PodUid);
    }

    [Fact]
    public void Should_report_the_pod_but_no_container_for_a_pod_level_cgroup_or_a_conmon_scope()
    {
        Assert.Equal(new ContainerIdentity(null, PodUid), CgroupParser.ParseContainer($"/kubepods/burstable/pod{PodUid}"));
        Assert.Null(CgroupParser.ParseContainer($"/machine.slice/libpod-conmon-{Id}.scope").ContainerId);
        Assert.Null(CgroupParser.ParseContainer($"/kubepods.slice/crio-conmon-{Id}.scope").ContainerId);
    }

    [Theory]
    [InlineData("/")]
    [InlineData("/user.slice/user-1000.slice/session-3.scope")]
    [InlineData("/system.slice/docker.service")]
    [InlineData("/docker/3F8E2B1C")]                                   // too short
    [InlineData("/docker/" + Id + "0")]                              // 65 hex
    [InlineData("/docker/3F8E2B1C9D4A5E6F7A8B9C0D1E2F3A4B5C6D7E8F9A0B1C2D3E4F5A6B7C8D9E0F")] // runtimes write lowercase
    [InlineData("/podcast/pod" + PodUid)]                              // a pod uid outside kubepods is someone's name
    public void Should_find_no_container_in_host_paths(string path) =>
        Assert.Equal(ContainerIdentity.None, CgroupParser.ParseContainer(path));

    [Fact]
    public void Should_take_the_container_from_whichever_hierarchy_names_it()
    {
        // Hybrid host: cgroup2 shows "/", the v1 memory path names the container.
        var m = CgroupParser.ParseMembership($"4:memory:/docker/{Id}\n0::/\n");
        Assert.Equal(Id, CgroupParser.ParseContainer(m.AllPaths).ContainerId);
    }

    [Theory]
    [InlineData("max\n", null)]
    [InlineData("268435456\n", 268435456L)]
    [InlineData("0\n", 0L)]
    [InlineData("banana", null)]
    public void Should_parse_v2_memory_max(string content, long? expected) =>
        Assert.Equal(expected, CgroupParser.ParseMemoryMax(content));

    [Theory]
    [InlineData("9223372036854771712\n", null)] // 4 KiB pages' "unlimited"
    [InlineData("9223372036854710272\n", null)] // 64 KiB pages' "unlimited"
    [InlineData("4611686018427387904\n", null)] // 2^62
    [InlineData("4611686018427387903\n", 4611686018427387903L)]
    [InlineData("268435456\n", 268435456L)]
    public void Should_parse_v1_limit_in_bytes(string content, long? expected) =>
        Assert.Equal(expected, CgroupParser.ParseLimitInBytes(content));

    [Fact]
    public void Should_parse_usage()
    {
        Assert.Equal(8097792L, CgroupParser.ParseUsage("8097792\n"));
        Assert.Null(CgroupParser.ParseUsage(""));
    }

    [Theory]
    [InlineData("/a/b/c", "/a/b")]
    [InlineData("/a", "/")]
    [InlineData("/a/", "/")]
    [InlineData("/", null)]
    public void Should_walk_to_the_parent(string path, string? parent) =>
        Assert.Equal(parent, CgroupParser.Parent(path));
}
