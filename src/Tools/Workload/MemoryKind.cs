namespace MemGrowth.Tools.Workload;

/// <summary>Which of the kernel's RSS counters the grower's memory lands in.</summary>
public enum MemoryKind
{
    /// <summary>Private anonymous pages: RssAnon (MM_ANONPAGES), what a heap leak looks like.</summary>
    Anon,

    /// <summary>Pages of a regular file on disk, mapped and read: RssFile (MM_FILEPAGES).</summary>
    File,

    /// <summary>Pages of a memfd (tmpfs): RssShmem (MM_SHMEMPAGES).</summary>
    Shmem,
}
