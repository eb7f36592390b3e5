namespace MemGrowth.NodeAgent.Tests.Cgroups;

/// <summary>
/// A /proc and cgroup filesystems made of plain files in a temp directory, for host layouts this machine
/// does not have (pure v2, containers, limits at every level). The resolver reads them as it would the real ones.
/// </summary>
internal sealed class FakeCgroupHost : IDisposable
{
    private readonly List<string> _mounts = [];

    public FakeCgroupHost()
    {
        Root = Directory.CreateTempSubdirectory("memgrowth-fakecg").FullName;
        ProcRoot = Path.Combine(Root, "proc");
        Directory.CreateDirectory(ProcRoot);
    }

    public string Root { get; }

    public string ProcRoot { get; }

    public string MountInfoPath => Path.Combine(Root, "mountinfo");

    /// <summary>Mounts a hierarchy: its directory here, and a mountinfo line pointing at it.</summary>
    public string Mount(string name, string fsType, string superOptions, string root = "/")
    {
        var directory = Path.Combine(Root, name);
        Directory.CreateDirectory(directory);
        _mounts.Add($"{30 + _mounts.Count} 20 0:{40 + _mounts.Count} {root} {directory} rw,relatime shared:1 - {fsType} {fsType} {superOptions}");
        File.WriteAllLines(MountInfoPath, _mounts);
        return directory;
    }

    public void Process(int pid, string cgroupFile)
    {
        var directory = Path.Combine(ProcRoot, pid.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Directory.CreateDirectory(directory);
        File.WriteAllText(Path.Combine(directory, "cgroup"), cgroupFile);
    }

    /// <summary>Creates a group (and its ancestors) under a mount, with the given files.</summary>
    public static void Group(string mount, string path, params (string File, string Content)[] files)
    {
        var directory = Path.Combine(mount, path.Trim('/'));
        Directory.CreateDirectory(directory);
        foreach (var (file, content) in files)
        {
            File.WriteAllText(Path.Combine(directory, file), content + "\n");
        }
    }

    public void Dispose() => Directory.Delete(Root, recursive: true);
}
