using System.Diagnostics;
using System.Globalization;
using MemGrowth.NodeAgent.Cgroups;

namespace MemGrowth.NodeAgent.Tests.Cgroups;

/// <summary>
/// A real memory cgroup of our own (memgrowth-test-&lt;random&gt; at the top of a hierarchy), with child
/// processes moved into it. Dispose kills the children and removes the groups, deepest first.
/// </summary>
internal sealed class CgroupSandbox : IDisposable
{
    private readonly CgroupMount _mount;
    private readonly List<string> _groups = [];
    private readonly List<Process> _children = [];

    public CgroupSandbox(CgroupMount mount, CgroupHierarchy hierarchy)
    {
        _mount = mount;
        Hierarchy = hierarchy;
        Path = CreateGroup($"{mount.Root.TrimEnd('/')}/memgrowth-test-{Guid.NewGuid().ToString("N")[..12]}");
    }

    public CgroupHierarchy Hierarchy { get; }

    /// <summary>The sandbox's own group, as a hierarchy path (what /proc/PID/cgroup shows).</summary>
    public string Path { get; }

    public string CreateGroup(string path)
    {
        Directory.CreateDirectory(DirectoryOf(path));
        _groups.Add(path);
        return path;
    }

    public void SetLimit(string path, long bytes) =>
        Write(path, Hierarchy == CgroupHierarchy.Unified ? "memory.max" : "memory.limit_in_bytes", bytes.ToString(CultureInfo.InvariantCulture));

    /// <summary>
    /// A limit the kernel enforces by OOM-killing inside the group: no swap to escape into, and on v1 the
    /// OOM killer enabled (memory.oom_control 1 would pause the group's tasks instead). Only this group's
    /// tasks can be chosen: a memory cgroup's OOM looks no further than the group.
    /// </summary>
    public void SetOomKillLimit(string path, long bytes)
    {
        SetLimit(path, bytes);
        var value = bytes.ToString(CultureInfo.InvariantCulture);
        if (Hierarchy == CgroupHierarchy.Unified)
        {
            WriteIfPresent(path, "memory.swap.max", "0");
            return;
        }

        WriteIfPresent(path, "memory.memsw.limit_in_bytes", value); // memory + swap: at least the memory limit, so set after it
        Write(path, "memory.oom_control", "0");
    }

    /// <summary>How many processes the kernel's OOM killer took in the group (memory.events on v2, memory.oom_control on v1).</summary>
    public long OomKills(string path)
    {
        var file = System.IO.Path.Combine(DirectoryOf(path), Hierarchy == CgroupHierarchy.Unified ? "memory.events" : "memory.oom_control");
        var line = File.ReadLines(file).FirstOrDefault(l => l.StartsWith("oom_kill ", StringComparison.Ordinal));
        return line is null ? 0 : long.Parse(line["oom_kill ".Length..], CultureInfo.InvariantCulture);
    }

    /// <summary>Lets v2 children of <paramref name="path"/> have memory files of their own.</summary>
    public void EnableMemoryForChildren(string path) => Write(path, "cgroup.subtree_control", "+memory");

    /// <summary>Starts a `sleep` and moves it into <paramref name="path"/>. The sandbox owns it: do not dispose it.</summary>
    public Process StartChildIn(string path)
    {
        var child = Process.Start(new ProcessStartInfo("sleep", "30") { UseShellExecute = false })
            ?? throw new InvalidOperationException("cannot start sleep");
        _children.Add(child);
        Write(path, "cgroup.procs", child.Id.ToString(CultureInfo.InvariantCulture));
        return child;
    }

    /// <summary>Moves a running process into <paramref name="path"/>; the sandbox kills it on dispose.</summary>
    public void Adopt(Process child, string path)
    {
        _children.Add(child);
        Write(path, "cgroup.procs", child.Id.ToString(CultureInfo.InvariantCulture));
    }

    public void Dispose()
    {
        foreach (var child in _children)
        {
            if (!child.HasExited)
            {
                child.Kill();
            }

            child.WaitForExit(5000);
            child.Dispose();
        }

        var left = _groups.OrderByDescending(g => g.Length).Where(g => !TryRemoveGroup(DirectoryOf(g))).ToList();
        if (left.Count > 0)
        {
            throw new InvalidOperationException($"could not remove the test cgroups {string.Join(", ", left)} under {_mount.MountPoint}: rmdir them by hand");
        }
    }

    private static bool TryRemoveGroup(string directory)
    {
        // rmdir can fail with EBUSY for a moment after the last process left; give it a few tries.
        for (var attempt = 0; attempt < 20 && Directory.Exists(directory); attempt++)
        {
            try
            {
                Directory.Delete(directory); // rmdir: a cgroup directory is removed whole, never emptied first
            }
            catch (IOException)
            {
                Thread.Sleep(100);
            }
        }

        return !Directory.Exists(directory);
    }

    private string DirectoryOf(string path) =>
        _mount.DirectoryFor(path) ?? throw new InvalidOperationException($"{path} is outside the mount {_mount}");

    private void WriteIfPresent(string path, string file, string value)
    {
        if (File.Exists(System.IO.Path.Combine(DirectoryOf(path), file)))
        {
            Write(path, file, value);
        }
    }

    private void Write(string path, string file, string value)
    {
        // Cgroup files take one write of the whole value; File.WriteAllText would try to truncate too.
        using var handle = File.OpenHandle(System.IO.Path.Combine(DirectoryOf(path), file), FileMode.Open, FileAccess.Write);
        RandomAccess.Write(handle, System.Text.Encoding.ASCII.GetBytes(value), 0);
    }
}
