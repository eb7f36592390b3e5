using System.Globalization;
using System.Text;

namespace MemGrowth.Validation.Report;

/// <summary>
/// How the report writes numbers and Markdown cells: invariant culture, "n/a" for anything missing (null or
/// NaN), so the same report always reads the same.
/// </summary>
internal static class ReportFormat
{
    public const string NotAvailable = "n/a";

    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    /// <summary>A share (0.952) as a percentage with one decimal ("95.2 %").</summary>
    public static string Percent(double? share) =>
        IsMissing(share) ? NotAvailable : Fixed(share!.Value * 100, 1) + " %";

    /// <summary>A share with its counts: "95.2 % (40/42)", or "n/a (0/0)".</summary>
    public static string Percent(int part, int whole) =>
        whole == 0 ? $"{NotAvailable} (0/0)" : $"{Percent(part / (double)whole)} ({part}/{whole})";

    /// <summary>A signed share ("+2.0 %", "-0.5 %"), for errors whose direction matters.</summary>
    public static string SignedPercent(double? share)
    {
        if (IsMissing(share))
        {
            return NotAvailable;
        }

        string percent = Fixed(share!.Value * 100, 1);
        return (share.Value > 0 && percent != Fixed(0, 1) ? "+" : "") + percent + " %";
    }

    /// <summary>Seconds with two decimals under 10 s and one above ("4.25 s", "37.5 s").</summary>
    public static string Seconds(double? seconds) =>
        IsMissing(seconds) ? NotAvailable : SecondsNumber(seconds!.Value) + " s";

    /// <summary>A plain number with the given decimals.</summary>
    public static string Number(double? value, int decimals) =>
        IsMissing(value) ? NotAvailable : Fixed(value!.Value, decimals);

    /// <summary>A wall-clock duration: "45.0 s", "12m 05s", "1h 02m 03s".</summary>
    public static string Duration(TimeSpan duration)
    {
        if (duration < TimeSpan.FromMinutes(1))
        {
            return Fixed(duration.TotalSeconds, 1) + " s";
        }

        long total = (long)Math.Round(duration.TotalSeconds, MidpointRounding.AwayFromZero);
        long hours = total / 3600, minutes = total / 60 % 60, seconds = total % 60;
        return hours > 0
            ? string.Create(Invariant, $"{hours}h {minutes:00}m {seconds:00}s")
            : string.Create(Invariant, $"{minutes}m {seconds:00}s");
    }

    /// <summary>Text made safe for one Markdown table cell: no line breaks, pipes escaped.</summary>
    public static string Cell(string text)
    {
        var builder = new StringBuilder(text.Length);
        foreach (char c in text)
        {
            switch (c)
            {
                case '|':
                    builder.Append("\\|");
                    break;
                case '\r':
                case '\n':
                    builder.Append(' ');
                    break;
                default:
                    builder.Append(c);
                    break;
            }
        }

        return builder.ToString().Trim();
    }

    /// <summary>One Markdown table row from already formatted cells.</summary>
    public static string Row(params IEnumerable<string> cells) => "| " + string.Join(" | ", cells.Select(Cell)) + " |";

    /// <summary>The header row and its separator.</summary>
    public static string Header(params IReadOnlyList<string> titles) =>
        Row(titles) + "\n|" + string.Concat(titles.Select(_ => " --- |"));

    private static string SecondsNumber(double seconds) => Fixed(seconds, Math.Abs(seconds) < 10 ? 2 : 1);

    // Halves round away from zero (31.25 → "31.3"), as people round, not to even as the formatter would.
    private static string Fixed(double value, int decimals)
    {
        string text = Math.Round(value, decimals, MidpointRounding.AwayFromZero).ToString("F" + decimals.ToString(Invariant), Invariant);
        return text.StartsWith('-') && text.All(c => c is '-' or '0' or '.') ? text[1..] : text;
    }

    private static bool IsMissing(double? value) => value is null || double.IsNaN(value.Value) || double.IsInfinity(value.Value);
}
