using MemGrowth.NodeAgent.Cgroups;
using Xunit;

namespace MemGrowth.NodeAgent.Tests.Cgroups;

/// <summary>The resolver against prepared cgroup trees: layouts this host does not have.</summary>
public sealed class CgroupResolverTests : IDisposable
{
    private const string Id = "3f8e2b1c9d4a5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c2d3e4f5a6b7c8d9e0f";
    private const long MiB = 1 << 20;
    private const string PodSlice = "/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod0f1e2d3c_4b5a_6978_8a9b_0c1d2e3f4a5b.slice";
    private const string ContainerScope = PodSlice + "/cri-containerd-" + Id + ".scope";

    private readonly FakeCgroupHost _host = new();
    private double _now = 1000;

    public void Dispose() => _host.Dispose();

    [Fact]
    public void Should_report_the_pod_limit_for_a_container_without_its_own_on_a_pure_v2_host()
    {
        var v2 = _host.Mount("cgroup", "cgroup2", "rw,nsdelegate");
        FakeCgroupHost.Group(v2, "/kubepods.slice", ("memory.max", "max"), ("memory.current", "900000000"));
        FakeCgroupHost.Group(v2, PodSlice, ("memory.max", (512 * MiB).ToString()), ("memory.current", "300000000"));
        FakeCgroupHost.Group(v2, ContainerScope, ("memory.max", "max"), ("memory.current", "200000000"));
        _host.Process(42, $"0::{ContainerScope}\n");

        var info = Resolver().Resolve(42);

        Assert.NotNull(info);
        Assert.Equal(ContainerScope, info.Path);
        Assert.Equal(CgroupHierarchy.Unified, info.Hierarchy);
        Assert.Equal(Id, info.ContainerId);
        Assert.Equal("0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b", info.PodUid);
        Assert.Equal(512 * MiB, info.MemoryLimitBytes);
        Assert.Equal(PodSlice, info.LimitCgroupPath);
        Assert.Equal(300000000, info.UsageBytes); // the pod's usage: that is what its limit is measured against
    }

    [Fact]
    public void Should_take_the_tightest_limit_on_the_way_up_not_the_nearest()
    {
        var v2 = _host.Mount("cgroup", "cgroup2", "rw");
        FakeCgroupHost.Group(v2, "/parent", ("memory.max", (256 * MiB).ToString()));
        FakeCgroupHost.Group(v2, "/parent/loose", ("memory.max", (1024 * MiB).ToString()));
        FakeCgroupHost.Group(v2, "/parent/tight", ("memory.max", (128 * MiB).ToString()));
        _host.Process(1, "0::/parent/loose\n");
        _host.Process(2, "0::/parent/tight\n");

        var resolver = Resolver();

        Assert.Equal((256 * MiB, "/parent"), Limit(resolver.Resolve(1)));
        Assert.Equal((128 * MiB, "/parent/tight"), Limit(resolver.Resolve(2)));
    }

    [Fact]
    public void Should_read_v1_memory_on_a_hybrid_host_and_report_its_path()
    {
        var v1 = _host.Mount("memory", "cgroup", "rw,memory");
        var v2 = _host.Mount("unified", "cgroup2", "rw");
        FakeCgroupHost.Group(v1, "/", ("memory.limit_in_bytes", "9223372036854771712"), ("memory.usage_in_bytes", "5000000000"));
        FakeCgroupHost.Group(v1, $"/docker/{Id}", ("memory.limit_in_bytes", (256 * MiB).ToString()), ("memory.usage_in_bytes", "100000000"));
        FakeCgroupHost.Group(v2, "/");
        _host.Process(7, $"9:name=systemd:/docker/{Id}\n4:memory:/docker/{Id}\n0::/\n");

        var info = Resolver().Resolve(7);

        Assert.NotNull(info);
        Assert.Equal(CgroupHierarchy.MemoryV1, info.Hierarchy);
        Assert.Equal($"/docker/{Id}", info.Path);
        Assert.Equal(Id, info.ContainerId);
        Assert.Equal((256 * MiB, $"/docker/{Id}"), Limit(info));
        Assert.Equal(100000000, info.UsageBytes);
    }

    [Fact]
    public void Should_take_the_tighter_of_the_v1_and_v2_limits()
    {
        var v1 = _host.Mount("memory", "cgroup", "rw,memory");
        var v2 = _host.Mount("unified", "cgroup2", "rw");
        FakeCgroupHost.Group(v1, "/svc", ("memory.limit_in_bytes", (256 * MiB).ToString()));
        FakeCgroupHost.Group(v2, "/svc", ("memory.max", (100 * MiB).ToString()), ("memory.current", "1234"));
        _host.Process(7, "4:memory:/svc\n0::/svc\n");

        var info = Resolver().Resolve(7);

        Assert.Equal(CgroupHierarchy.Unified, info!.Hierarchy);
        Assert.Equal((100 * MiB, "/svc"), Limit(info));
        Assert.Equal(1234, info.UsageBytes);
    }

    [Fact]
    public void Should_report_no_limit_and_the_own_usage_when_nothing_is_limited()
    {
        var v1 = _host.Mount("memory", "cgroup", "rw,memory");
        _host.Mount("unified", "cgroup2", "rw");
        FakeCgroupHost.Group(v1, "/", ("memory.limit_in_bytes", "9223372036854771712"));
        FakeCgroupHost.Group(v1, "/user/session", ("memory.limit_in_bytes", "9223372036854771712"), ("memory.usage_in_bytes", "777"));
        _host.Process(7, "4:memory:/user/session\n0::/\n");

        var info = Resolver().Resolve(7);

        Assert.NotNull(info);
        Assert.Equal("/user/session", info.Path);
        Assert.Equal(CgroupHierarchy.MemoryV1, info.Hierarchy); // memory is accounted on v1 here
        Assert.Null(info.MemoryLimitBytes);
        Assert.Null(info.LimitCgroupPath);
        Assert.Equal(777, info.UsageBytes);
        Assert.Null(info.ContainerId);
    }

    [Fact]
    public void Should_see_only_its_subtree_inside_a_container_without_a_cgroup_namespace()
    {
        var v1 = _host.Mount("memory", "cgroup", "rw,memory", root: $"/docker/{Id}");
        FakeCgroupHost.Group(v1, "/", ("memory.limit_in_bytes", (64 * MiB).ToString()));
        FakeCgroupHost.Group(v1, "/worker", ("memory.limit_in_bytes", "9223372036854771712"));
        _host.Process(9, $"4:memory:/docker/{Id}/worker\n");
        _host.Process(10, "4:memory:/docker/some-other-container\n");

        var resolver = Resolver();
        var info = resolver.Resolve(9);
        var outside = resolver.Resolve(10);

        Assert.Equal((64 * MiB, $"/docker/{Id}"), Limit(info));
        Assert.Equal(Id, info!.ContainerId);
        Assert.NotNull(outside);
        Assert.Null(outside.MemoryLimitBytes); // not visible from here: unknown, reported as none
    }

    [Fact]
    public void Should_return_null_for_a_process_or_cgroup_that_is_gone()
    {
        var v2 = _host.Mount("cgroup", "cgroup2", "rw");
        FakeCgroupHost.Group(v2, "/alive");
        _host.Process(5, "0::/removed\n");

        var resolver = Resolver();

        Assert.Null(resolver.Resolve(4)); // no /proc/4
        Assert.Null(resolver.Resolve(5)); // its cgroup was rmdir'ed: it cannot still be in it
    }

    [Fact]
    public void Should_still_report_the_path_when_no_cgroup_filesystem_is_mounted()
    {
        _host.Process(5, $"0::/system.slice/docker-{Id}.scope\n");

        var info = Resolver().Resolve(5);

        Assert.NotNull(info);
        Assert.Equal($"/system.slice/docker-{Id}.scope", info.Path);
        Assert.Equal(Id, info.ContainerId);
        Assert.Null(info.MemoryLimitBytes);
        Assert.Null(info.UsageBytes);
    }

    [Fact]
    public void Should_reuse_a_limit_for_its_lifetime_but_read_usage_fresh()
    {
        var v2 = _host.Mount("cgroup", "cgroup2", "rw");
        FakeCgroupHost.Group(v2, "/svc", ("memory.max", (100 * MiB).ToString()), ("memory.current", "1000"));
        _host.Process(5, "0::/svc\n");
        var resolver = Resolver(TimeSpan.FromSeconds(10));

        var first = resolver.Resolve(5)!;
        FakeCgroupHost.Group(v2, "/svc", ("memory.max", (200 * MiB).ToString()), ("memory.current", "2000"));
        _now += 5;
        var cached = resolver.Resolve(5)!;
        _now += 5;
        var refreshed = resolver.Resolve(5)!;

        Assert.Equal(100 * MiB, first.MemoryLimitBytes);
        Assert.Equal(100 * MiB, cached.MemoryLimitBytes);
        Assert.Equal(2000, cached.UsageBytes);
        Assert.Equal(2000, resolver.ReadUsageBytes(first));
        Assert.Equal(200 * MiB, refreshed.MemoryLimitBytes);
    }

    private static (long?, string?) Limit(CgroupInfo? info) => (info?.MemoryLimitBytes, info?.LimitCgroupPath);

    private CgroupResolver Resolver(TimeSpan? lifetime = null) =>
        new(_host.ProcRoot, _host.MountInfoPath, () => _now, lifetime);
}
