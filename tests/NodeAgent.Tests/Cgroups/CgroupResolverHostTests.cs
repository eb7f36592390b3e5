using MemGrowth.NodeAgent.Cgroups;
using Xunit;

namespace MemGrowth.NodeAgent.Tests.Cgroups;

/// <summary>
/// The resolver on this machine's real cgroups: groups created with real limits, a real child process
/// moved into them. Needs root (see <see cref="CgroupRequirement"/>).
/// </summary>
public sealed class CgroupResolverHostTests
{
    private const long MiB = 1 << 20;

    private static readonly CgroupMounts HostMounts = new CgroupResolver().Mounts;

    [SkippableFact]
    public void Should_report_a_v1_memory_limit_and_path()
    {
        SkipUnless(CgroupHierarchy.MemoryV1);

        using var sandbox = new CgroupSandbox(HostMounts.MemoryV1!, CgroupHierarchy.MemoryV1);
        sandbox.SetLimit(sandbox.Path, 256 * MiB);
        var child = sandbox.StartChildIn(sandbox.Path);

        var info = new CgroupResolver().Resolve(child.Id);

        Assert.NotNull(info);
        Assert.Equal(CgroupHierarchy.MemoryV1, info.Hierarchy);
        Assert.Equal(sandbox.Path, info.Path);
        Assert.Equal(256 * MiB, info.MemoryLimitBytes);
        Assert.Equal(sandbox.Path, info.LimitCgroupPath);
        Assert.NotNull(info.UsageBytes);
        Assert.Null(info.ContainerId);
    }

    [SkippableFact]
    public void Should_report_a_v1_parent_s_limit_for_a_nested_group_without_one()
    {
        SkipUnless(CgroupHierarchy.MemoryV1);

        using var sandbox = new CgroupSandbox(HostMounts.MemoryV1!, CgroupHierarchy.MemoryV1);
        sandbox.SetLimit(sandbox.Path, 256 * MiB);
        var nested = sandbox.CreateGroup(sandbox.Path + "/worker");
        var loose = sandbox.CreateGroup(sandbox.Path + "/loose");
        sandbox.SetLimit(loose, 1024 * MiB);
        var inNested = sandbox.StartChildIn(nested);
        var inLoose = sandbox.StartChildIn(loose);

        var resolver = new CgroupResolver();
        var nestedInfo = resolver.Resolve(inNested.Id);
        var looseInfo = resolver.Resolve(inLoose.Id);

        Assert.Equal(nested, nestedInfo!.Path);
        Assert.Equal(256 * MiB, nestedInfo.MemoryLimitBytes);
        Assert.Equal(sandbox.Path, nestedInfo.LimitCgroupPath);
        Assert.Equal(256 * MiB, looseInfo!.MemoryLimitBytes); // its own 1 GiB is not what the kernel enforces
        Assert.Equal(sandbox.Path, looseInfo.LimitCgroupPath);
    }

    [SkippableFact]
    public void Should_report_a_v2_memory_max_and_a_parent_s_limit_for_a_nested_group()
    {
        SkipUnless(CgroupHierarchy.Unified);

        using var sandbox = new CgroupSandbox(HostMounts.Unified!, CgroupHierarchy.Unified);
        sandbox.SetLimit(sandbox.Path, 256 * MiB);
        // v2 allows processes only in leaves once controllers are enabled below: both children are leaves.
        sandbox.EnableMemoryForChildren(sandbox.Path);
        var limited = sandbox.CreateGroup(sandbox.Path + "/limited");
        sandbox.SetLimit(limited, 128 * MiB);
        var nested = sandbox.CreateGroup(sandbox.Path + "/worker");
        var inLimited = sandbox.StartChildIn(limited);
        var inNested = sandbox.StartChildIn(nested);

        var resolver = new CgroupResolver();
        var limitedInfo = resolver.Resolve(inLimited.Id);
        var nestedInfo = resolver.Resolve(inNested.Id);

        Assert.Equal(CgroupHierarchy.Unified, limitedInfo!.Hierarchy);
        Assert.Equal(limited, limitedInfo.Path);
        Assert.Equal(128 * MiB, limitedInfo.MemoryLimitBytes);
        Assert.Equal(limited, limitedInfo.LimitCgroupPath);
        Assert.Equal(nested, nestedInfo!.Path);
        Assert.Equal(256 * MiB, nestedInfo.MemoryLimitBytes);
        Assert.Equal(sandbox.Path, nestedInfo.LimitCgroupPath);
        Assert.NotNull(nestedInfo.UsageBytes);
    }

    [SkippableFact]
    public void Should_resolve_this_process_to_the_cgroup_proc_shows()
    {
        var membership = CgroupParser.ParseMembership(File.ReadAllText("/proc/self/cgroup"));

        var info = new CgroupResolver().Resolve(Environment.ProcessId);

        Assert.NotNull(info);
        Assert.Equal(info.Hierarchy == CgroupHierarchy.MemoryV1 ? membership.MemoryV1Path : membership.UnifiedPath, info.Path);
    }

    [SkippableFact]
    public void Should_return_null_for_a_process_that_has_exited()
    {
        using var child = System.Diagnostics.Process.Start("true");
        child.WaitForExit();

        Assert.Null(new CgroupResolver().Resolve(child.Id));
    }

    /// <summary>Reported as skipped, with the reason, when this host lacks the hierarchy (never in CI for a missing privilege).</summary>
    private static void SkipUnless(CgroupHierarchy hierarchy)
    {
        var reason = CgroupRequirement.Check(hierarchy, HostMounts);
        Skip.If(reason is not null, reason);
    }
}
