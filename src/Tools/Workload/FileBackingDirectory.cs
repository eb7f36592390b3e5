namespace MemGrowth.Tools.Workload;

/// <summary>
/// Where --memory file keeps its file. It must be a real disk filesystem: pages of a tmpfs file
/// (/dev/shm, and /tmp on many distributions) are shmem to the kernel and would count as RssShmem.
/// </summary>
internal static class FileBackingDirectory
{
    public static string Choose()
    {
        var candidates = new[] { Environment.GetEnvironmentVariable("TMPDIR"), "/var/tmp", "/tmp", Environment.CurrentDirectory };
        foreach (var candidate in candidates)
        {
            if (!string.IsNullOrEmpty(candidate) && Directory.Exists(candidate) &&
                WorkloadNative.FileSystemType(candidate) is { } type && type != WorkloadNative.TmpfsMagic && type != WorkloadNative.RamfsMagic)
            {
                return candidate;
            }
        }

        throw new InvalidOperationException(
            "--memory file needs a directory on a disk filesystem (tmpfs pages count as shmem, not file); TMPDIR, /var/tmp and /tmp are all tmpfs here: set TMPDIR to a directory on disk");
    }
}
