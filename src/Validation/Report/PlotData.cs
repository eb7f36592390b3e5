using System.Text;
using MemGrowth.Shared.Messages;
using MemGrowth.Validation.Scoring;

namespace MemGrowth.Validation.Report;

/// <summary>The numbers behind the plots, apart from drawing them.</summary>
internal static class PlotData
{
    public const double MiB = 1024.0 * 1024.0;

    /// <summary>Where a severity of 0 (a process that does not leak) is drawn on the log axis: 1 KiB/s.</summary>
    public const double SeverityFloorMiBPerSecond = 1.0 / 1024;

    /// <summary>/proc's RSS of the process: seconds since launch, MiB.</summary>
    public static (double[] Seconds, double[] MiB) Rss(SubjectRun run) =>
        (run.Truth.Select(p => p.Time - run.Launched).ToArray(),
         run.Truth.Select(p => p.RssBytes / MiB).ToArray());

    /// <summary>When the agent reported <paramref name="kind"/> about the process, in seconds since launch.</summary>
    public static double[] ReportTimes(SubjectRun run, DetectionKind kind) =>
        run.Reports.Where(r => r.Kind == kind).Select(r => r.Time - run.Launched).ToArray();

    /// <summary>The RSS at <paramref name="time"/> (monotonic seconds), linearly between the nearest truth points; null with no truth.</summary>
    public static double? RssMiBAt(SubjectRun run, double time)
    {
        IReadOnlyList<TruthPoint> truth = run.Truth;
        if (truth.Count == 0)
        {
            return null;
        }

        if (time <= truth[0].Time)
        {
            return truth[0].RssBytes / MiB;
        }

        for (int i = 1; i < truth.Count; i++)
        {
            if (time <= truth[i].Time)
            {
                TruthPoint a = truth[i - 1], b = truth[i];
                double share = b.Time > a.Time ? (time - a.Time) / (b.Time - a.Time) : 1;
                return (a.RssBytes + (share * (b.RssBytes - a.RssBytes))) / MiB;
            }
        }

        return truth[^1].RssBytes / MiB;
    }

    /// <summary>Equal-width bins on a 1-2-5 width, about <paramref name="targetBins"/> of them, starting at a multiple of the width.</summary>
    public static (double Start, double Width, int[] Counts) Histogram(IReadOnlyList<double> values, int targetBins)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(targetBins, 1);
        double[] finite = values.Where(double.IsFinite).ToArray();
        if (finite.Length == 0)
        {
            return (0, 1, []);
        }

        double min = finite.Min(), max = finite.Max();
        double width = NiceWidth((max - min) / targetBins);
        double start = Math.Floor(min / width) * width;
        int bins = Math.Max(1, (int)Math.Floor((max - start) / width) + 1);
        int[] counts = new int[bins];
        foreach (double v in finite)
        {
            counts[Math.Min(bins - 1, (int)Math.Floor((v - start) / width))]++;
        }

        return (start, width, counts);
    }

    /// <summary>The smallest of 1, 2, 5 × 10^k that is at least <paramref name="raw"/> (1 for 0).</summary>
    public static double NiceWidth(double raw)
    {
        if (!(raw > 0) || !double.IsFinite(raw))
        {
            return 1;
        }

        double decade = Math.Pow(10, Math.Floor(Math.Log10(raw)));
        foreach (double step in (ReadOnlySpan<double>)[1, 2, 5, 10])
        {
            if (step * decade >= raw * (1 - 1e-9))
            {
                return step * decade;
            }
        }

        return 10 * decade;
    }

    /// <summary>A severity (bytes/s) on the log axis: log10 of MiB/s, with 0 drawn at the floor.</summary>
    public static double SeverityLog10(double bytesPerSecond) =>
        Math.Log10(Math.Max(bytesPerSecond / MiB, SeverityFloorMiBPerSecond));

    /// <summary>"rss-linear-1mb.png": the scenario name made safe as a file name, unique among <paramref name="taken"/>.</summary>
    public static string RssFileName(string scenario, ISet<string> taken)
    {
        var safe = new StringBuilder();
        foreach (char c in scenario.ToLowerInvariant())
        {
            safe.Append(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '-');
        }

        string stem = "rss-" + (safe.Length == 0 ? "scenario" : safe.ToString().Trim('.'));
        string name = stem + ".png";
        for (int n = 2; !taken.Add(name); n++)
        {
            name = $"{stem}-{n}.png";
        }

        return name;
    }
}
