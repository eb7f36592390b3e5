namespace MemGrowth.NodeAgent.Cgroups;

/// <summary>How long until a growing cgroup reaches its memory limit (and the OOM killer), at a steady rate.</summary>
internal static class TimeToLimit
{
    /// <summary>
    /// Seconds until <paramref name="usageBytes"/> reaches <paramref name="limitBytes"/> growing at
    /// <paramref name="growthBytesPerSecond"/>: null when there is no limit or nothing grows, 0 when usage
    /// is already at or over the limit (v2 lets memory.current pass memory.max briefly while it reclaims).
    /// </summary>
    public static double? Seconds(long? limitBytes, long usageBytes, double growthBytesPerSecond)
    {
        if (limitBytes is not { } limit)
        {
            return null;
        }

        if (usageBytes >= limit)
        {
            return 0;
        }

        if (!(growthBytesPerSecond > 0)) // also NaN
        {
            return null;
        }

        return (limit - usageBytes) / growthBytesPerSecond;
    }
}
