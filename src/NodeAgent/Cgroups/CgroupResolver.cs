using System.Globalization;
using MemGrowth.NodeAgent.Sources;

namespace MemGrowth.NodeAgent.Cgroups;

/// <summary>
/// Finds a process's cgroup, container and effective memory limit by reading /proc and the cgroup
/// filesystems, wherever the mount table says they are (pure v2, hybrid, or pure v1 hosts alike).
/// Parsing is <see cref="CgroupParser"/>'s; this class only reads files and walks directories.
/// Thread-safe.
/// </summary>
internal sealed class CgroupResolver
{
    public static readonly TimeSpan DefaultLimitLifetime = TimeSpan.FromSeconds(10);

    private readonly string _procRoot;
    private readonly string _mountInfoPath;
    private readonly Func<double> _clock;
    private readonly CgroupLimitCache _limits;
    private readonly Lazy<CgroupMounts> _mounts;

    /// <param name="procRoot">Where procfs is mounted ("/proc"); tests point it at a prepared tree.</param>
    /// <param name="mountInfoPath">The mount table to find the cgroup mounts in; defaults to
    /// <paramref name="procRoot"/>/self/mountinfo.</param>
    /// <param name="clock">Monotonic seconds, for the limit cache; defaults to <see cref="MonotonicClock"/>.</param>
    /// <param name="limitLifetime">How long a cgroup's effective limit is reused before it is read again.</param>
    public CgroupResolver(string procRoot = "/proc", string? mountInfoPath = null, Func<double>? clock = null, TimeSpan? limitLifetime = null)
    {
        _procRoot = procRoot;
        _mountInfoPath = mountInfoPath ?? Path.Combine(procRoot, "self", "mountinfo");
        _clock = clock ?? (() => MonotonicClock.NowSeconds);
        _limits = new CgroupLimitCache(limitLifetime ?? DefaultLimitLifetime);
        // Cgroup filesystems are mounted at boot (or container start) and stay put: read the table once.
        _mounts = new Lazy<CgroupMounts>(() => TryRead(_mountInfoPath) is { } text ? CgroupParser.ParseMounts(text) : CgroupMounts.None);
    }

    public CgroupMounts Mounts => _mounts.Value;

    /// <summary>
    /// The process's cgroup, container and effective memory limit; null when the process (or its
    /// cgroup) is gone. On hybrid hosts both the v2 group and the v1 memory group are checked and the
    /// tighter limit wins.
    /// </summary>
    public CgroupInfo? Resolve(int pid)
    {
        if (TryRead(Path.Combine(_procRoot, pid.ToString(CultureInfo.InvariantCulture), "cgroup")) is not { } content)
        {
            return null;
        }

        var membership = CgroupParser.ParseMembership(content);
        var identity = CgroupParser.ParseContainer(membership.AllPaths);
        var now = _clock();

        (CgroupHierarchy Hierarchy, string Path, CgroupLimit Limit)? best = null;
        // v1 first: on a hybrid host, a v1 memory mount means memory is accounted there, so without any
        // limit that is still where usage is read.
        foreach (var (hierarchy, path) in new[] { (CgroupHierarchy.MemoryV1, membership.MemoryV1Path), (CgroupHierarchy.Unified, membership.UnifiedPath) })
        {
            if (path is null || Mounts.For(hierarchy) is not { } mount)
            {
                continue;
            }

            if (LimitOf(hierarchy, mount, path, now) is not { } limit)
            {
                return null; // the cgroup directory is gone: so is the process, or it just moved
            }

            if (best is null || Tighter(limit, best.Value.Limit))
            {
                best = (hierarchy, path, limit);
            }
        }

        if (best is not { } chosen)
        {
            // No cgroup filesystem we can read (e.g. not mounted in this container): the path is still worth reporting.
            var path = membership.UnifiedPath ?? membership.MemoryV1Path ?? membership.AllPaths.FirstOrDefault() ?? "/";
            var hierarchy = membership.UnifiedPath is null && membership.MemoryV1Path is not null ? CgroupHierarchy.MemoryV1 : CgroupHierarchy.Unified;
            return new CgroupInfo(path, identity.ContainerId, identity.PodUid, null, null, null) { Hierarchy = hierarchy };
        }

        var info = new CgroupInfo(chosen.Path, identity.ContainerId, identity.PodUid, chosen.Limit.LimitBytes, chosen.Limit.LimitPath, null)
        {
            Hierarchy = chosen.Hierarchy,
        };
        return info with { UsageBytes = ReadUsageBytes(info) };
    }

    /// <summary>
    /// Memory charged right now to the cgroup holding <paramref name="info"/>'s limit (its own cgroup when
    /// it has none), read fresh; null when it cannot be read (gone, or the v2 root, which has no memory.current).
    /// </summary>
    public long? ReadUsageBytes(CgroupInfo info)
    {
        if (Mounts.For(info.Hierarchy)?.DirectoryFor(info.LimitCgroupPath ?? info.Path) is not { } directory)
        {
            return null;
        }

        var file = info.Hierarchy == CgroupHierarchy.Unified ? "memory.current" : "memory.usage_in_bytes";
        return TryRead(Path.Combine(directory, file)) is { } text ? CgroupParser.ParseUsage(text) : null;
    }

    private static bool Tighter(CgroupLimit candidate, CgroupLimit current) =>
        candidate.LimitBytes is { } limit && (current.LimitBytes is not { } other || limit < other);

    /// <summary>The effective limit of <paramref name="path"/>, cached; null when its directory does not exist.</summary>
    private CgroupLimit? LimitOf(CgroupHierarchy hierarchy, CgroupMount mount, string path, double now)
    {
        if (_limits.TryGet(hierarchy, path, now, out var cached))
        {
            return cached;
        }

        if (mount.DirectoryFor(path) is not { } own)
        {
            return CgroupLimit.Unreadable;
        }

        if (!Directory.Exists(own))
        {
            return null;
        }

        var limit = WalkUp(hierarchy, mount, path);
        _limits.Put(hierarchy, path, limit, now);
        return limit;
    }

    /// <summary>
    /// The tightest limit from <paramref name="path"/> up to the top of the mount. The nearest limit is not
    /// enough: a child may be given more than its parent, and the parent's limit is the one the kernel enforces.
    /// </summary>
    private static CgroupLimit WalkUp(CgroupHierarchy hierarchy, CgroupMount mount, string path)
    {
        var (file, parse) = hierarchy == CgroupHierarchy.Unified
            ? ("memory.max", (Func<string, long?>)CgroupParser.ParseMemoryMax)
            : ("memory.limit_in_bytes", CgroupParser.ParseLimitInBytes);
        long? tightest = null;
        string? holder = null;
        for (string? current = path; current is not null; current = mount.IsTop(current) ? null : CgroupParser.Parent(current))
        {
            if (mount.DirectoryFor(current) is not { } directory)
            {
                break;
            }

            // A missing file is the v2 root (it has no memory.max) or a group without the memory controller.
            if (TryRead(Path.Combine(directory, file)) is { } text && parse(text) is { } limit && (tightest is null || limit < tightest))
            {
                tightest = limit;
                holder = current;
            }
        }

        return new CgroupLimit(true, tightest, holder);
    }

    /// <summary>The whole file, or null when it (or the process it describes) no longer exists.</summary>
    private static string? TryRead(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // FileNotFound/DirectoryNotFound: gone before the open; plain IOException (ESRCH): gone during the read.
            return null;
        }
    }
}
