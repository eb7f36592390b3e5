namespace MemGrowth.NodeAgent.Cgroups;

/// <summary>
/// Effective limits per cgroup, kept for a short time: every new process in a container would otherwise
/// re-walk the same ancestors, and limits are set when a container starts and rarely change after.
/// Time comes in as monotonic seconds; this class never reads a clock. Thread-safe.
/// </summary>
internal sealed class CgroupLimitCache(TimeSpan timeToLive, int capacity = 4096)
{
    private readonly Dictionary<(CgroupHierarchy, string), (CgroupLimit Limit, double Expires)> _entries = [];
    private readonly Lock _gate = new();
    private readonly double _ttlSeconds = timeToLive > TimeSpan.Zero
        ? timeToLive.TotalSeconds
        : throw new ArgumentOutOfRangeException(nameof(timeToLive), timeToLive, "the cache lifetime must be positive");

    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _entries.Count;
            }
        }
    }

    public bool TryGet(CgroupHierarchy hierarchy, string path, double now, out CgroupLimit limit)
    {
        lock (_gate)
        {
            if (_entries.TryGetValue((hierarchy, path), out var entry) && now < entry.Expires)
            {
                limit = entry.Limit;
                return true;
            }
        }

        limit = default;
        return false;
    }

    public void Put(CgroupHierarchy hierarchy, string path, CgroupLimit limit, double now)
    {
        lock (_gate)
        {
            if (_entries.Count >= capacity && !_entries.ContainsKey((hierarchy, path)))
            {
                EvictExpired(now);
                if (_entries.Count >= capacity)
                {
                    // Still full of live entries (a host with thousands of cgroups): start over rather
                    // than track recency; a miss costs only a few small file reads.
                    _entries.Clear();
                }
            }

            _entries[(hierarchy, path)] = (limit, now + _ttlSeconds);
        }
    }

    private void EvictExpired(double now)
    {
        foreach (var (key, entry) in _entries)
        {
            if (now >= entry.Expires)
            {
                _entries.Remove(key);
            }
        }
    }
}
