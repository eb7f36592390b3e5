using System.Globalization;

namespace MemGrowth.Validation.Runner;

/// <summary>
/// A memory cgroup with a limit, made for one validation process and removed after it: cgroup v2 where
/// the memory controller is there, else v1's memory hierarchy (hybrid hosts).
/// </summary>
internal sealed class LimitedCgroup : IDisposable
{
    private const string V1Memory = "/sys/fs/cgroup/memory";
    private const string V2Root = "/sys/fs/cgroup";
    private static int s_created;

    private LimitedCgroup(string path) => Path = path;

    /// <summary>The cgroup's directory; a process joins by writing its pid to cgroup.procs in it.</summary>
    public string Path { get; }

    /// <exception cref="InvalidOperationException">No writable memory controller, with what to do.</exception>
    public static LimitedCgroup Create(long limitBytes)
    {
        var name = $"memgrowth-validate-{Environment.ProcessId}-{Interlocked.Increment(ref s_created)}";
        var limit = limitBytes.ToString(CultureInfo.InvariantCulture);
        try
        {
            if (File.Exists(System.IO.Path.Combine(V1Memory, "memory.limit_in_bytes")))
            {
                var dir = Directory.CreateDirectory(System.IO.Path.Combine(V1Memory, name)).FullName;
                File.WriteAllText(System.IO.Path.Combine(dir, "memory.limit_in_bytes"), limit);
                return new LimitedCgroup(dir);
            }

            var controllers = System.IO.Path.Combine(V2Root, "cgroup.controllers");
            if (File.Exists(controllers) && File.ReadAllText(controllers).Split(' ', '\n').Contains("memory"))
            {
                var subtree = System.IO.Path.Combine(V2Root, "cgroup.subtree_control");
                if (!File.ReadAllText(subtree).Split(' ', '\n').Contains("memory"))
                {
                    File.WriteAllText(subtree, "+memory");
                }

                var dir = Directory.CreateDirectory(System.IO.Path.Combine(V2Root, name)).FullName;
                File.WriteAllText(System.IO.Path.Combine(dir, "memory.max"), limit);
                return new LimitedCgroup(dir);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InvalidOperationException($"cannot create a memory cgroup for the cgroup-leak scenario ({e.Message}): run as root on a host with the memory controller", e);
        }

        throw new InvalidOperationException("this host has no memory cgroup controller (neither /sys/fs/cgroup/memory nor cgroup v2 with memory): the cgroup-leak scenario needs one");
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path);
        }
        catch (IOException)
        {
            // Still has a process (a zombie being reaped): the kernel frees it once empty; a leftover empty dir is harmless.
        }
    }
}
