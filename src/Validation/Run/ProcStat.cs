using System.Globalization;

namespace MemGrowth.Validation.Run;

/// <summary>The counters of one /proc/PID/stat reading that the benchmark needs (whole thread group).</summary>
public readonly record struct ProcStatSample(long MinorFaults, long UserTicks, long SystemTicks)
{
    public long CpuTicks => UserTicks + SystemTicks;
}

/// <summary>Reads a process's CPU time, faults and RSS from /proc, and turns two readings into % of a core.</summary>
public static class ProcStat
{
    /// <summary>/proc reports times in USER_HZ, which the Linux ABI fixes at 100 whatever CONFIG_HZ is.</summary>
    public const double TicksPerSecond = 100;

    public static ProcStatSample Read(int pid) => Parse(File.ReadAllText($"/proc/{pid}/stat"));

    public static ProcStatSample Parse(string stat)
    {
        // comm (field 2) may hold spaces and parentheses: the fields that follow start after the last ')'.
        var close = stat.LastIndexOf(')');
        if (close < 0)
        {
            throw new FormatException($"not a /proc/PID/stat line: '{stat}'");
        }

        var rest = stat[(close + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (rest.Length < 13)
        {
            throw new FormatException($"/proc/PID/stat line too short: '{stat}'");
        }

        // rest[0] is field 3 (state): field k of proc(5) is rest[k - 3].
        long Field(int k) => long.Parse(rest[k - 3], NumberStyles.Integer, CultureInfo.InvariantCulture);
        return new ProcStatSample(MinorFaults: Field(10), UserTicks: Field(14), SystemTicks: Field(15));
    }

    /// <summary>CPU used between two readings, as % of one core (200 = two cores busy).</summary>
    public static double CpuPercent(ProcStatSample before, ProcStatSample after, TimeSpan elapsed)
    {
        if (elapsed <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(elapsed), elapsed, "readings must be apart in time");
        }

        return (after.CpuTicks - before.CpuTicks) / TicksPerSecond / elapsed.TotalSeconds * 100;
    }

    /// <summary>VmRSS in bytes, or null when the process is gone (kernel threads and zombies have none).</summary>
    public static long? ReadRssBytes(int pid) => new NodeAgent.Sources.ProcfsReader().ReadStatus(pid) is { VmRssBytes: > 0 } status ? status.VmRssBytes : null;
}
