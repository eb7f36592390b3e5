namespace MemGrowth.Analytics.Trends;

/// <summary>Re-bases a report's time to a memory limit to another moment.</summary>
public static class TimeToLimit
{
    /// <summary>
    /// A report said <paramref name="secondsToLimit"/> at <paramref name="reportedAt"/>; at <paramref name="now"/>
    /// that is <c>N - (now - T)</c> seconds, never below 0 (the limit is reached, or was).
    /// </summary>
    public static double At(double secondsToLimit, DateTimeOffset reportedAt, DateTimeOffset now) =>
        Math.Max(0, secondsToLimit - (now - reportedAt).TotalSeconds);

    /// <summary>When the limit is reached if the growth goes on as reported.</summary>
    public static DateTimeOffset ReachedAt(double secondsToLimit, DateTimeOffset reportedAt) => reportedAt.AddSeconds(secondsToLimit);
}
