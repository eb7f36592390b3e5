using System.Globalization;
using MemGrowth.Validation.Scoring;

namespace MemGrowth.Validation.Run;

/// <summary>
/// What a `memgrowth grow` process printed: its pid and start ("pid=P start mono=S"), then one line a second
/// ("t=N held_bytes=B rss_bytes=R mono=S ...") with VmRSS from /proc, the ground truth a detection is scored against.
/// </summary>
/// <param name="Start">CLOCK_MONOTONIC seconds when it began growing; null when it printed no start line.</param>
/// <param name="SecondAt">When each second's line (t=N) was printed.</param>
public sealed record GrowerOutput(int? Pid, double? Start, IReadOnlyList<TruthPoint> Truth, IReadOnlyDictionary<int, double> SecondAt)
{
    public static GrowerOutput Parse(IEnumerable<string> lines)
    {
        ArgumentNullException.ThrowIfNull(lines);
        int? pid = null;
        double? start = null;
        var truth = new List<TruthPoint>();
        var seconds = new Dictionary<int, double>();
        foreach (var line in lines)
        {
            var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries)
                .Select(f => f.Split('=', 2))
                .Where(kv => kv.Length == 2)
                .ToDictionary(kv => kv[0], kv => kv[1], StringComparer.Ordinal);
            if (fields.TryGetValue("pid", out var p) && line.Contains(" start ", StringComparison.Ordinal) && fields.TryGetValue("mono", out var s))
            {
                pid = int.Parse(p, CultureInfo.InvariantCulture);
                start = double.Parse(s, CultureInfo.InvariantCulture);
            }
            else if (fields.TryGetValue("t", out var t) && fields.TryGetValue("rss_bytes", out var rss) && fields.TryGetValue("mono", out var mono))
            {
                var time = double.Parse(mono, CultureInfo.InvariantCulture);
                truth.Add(new TruthPoint(time, long.Parse(rss, CultureInfo.InvariantCulture)));
                seconds[int.Parse(t, CultureInfo.InvariantCulture)] = time;
            }
        }

        return new GrowerOutput(pid, start, truth, seconds);
    }
}
