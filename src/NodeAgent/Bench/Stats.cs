namespace MemGrowth.NodeAgent.Bench;

internal static class Stats
{
    /// <summary>The median: one slow run (a page reclaim, a timer) must not move the headline number.</summary>
    public static double Median(IReadOnlyCollection<double> values)
    {
        if (values.Count == 0)
        {
            throw new ArgumentException("the median of no values is undefined", nameof(values));
        }

        var sorted = values.Order().ToArray();
        var mid = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }
}
