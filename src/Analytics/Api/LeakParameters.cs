using System.Globalization;
using MemGrowth.Analytics.Leaks;

namespace MemGrowth.Analytics.Api;

/// <summary>The words operators filter leaks with, on the command line and in the API: "24h", "open".</summary>
public static class LeakParameters
{
    public const string Statuses = "open, resolved, exited, oom";

    /// <summary>"90s", "30m", "24h", "7d" as a span.</summary>
    /// <exception cref="FormatException">Not a whole number followed by s, m, h or d.</exception>
    public static TimeSpan ParseSince(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length >= 2 && long.TryParse(text.AsSpan(0, text.Length - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var n))
        {
            switch (text[^1])
            {
                case 's': return TimeSpan.FromSeconds(n);
                case 'm': return TimeSpan.FromMinutes(n);
                case 'h': return TimeSpan.FromHours(n);
                case 'd': return TimeSpan.FromDays(n);
            }
        }

        throw new FormatException($"since '{text}' is not a span like 90s, 30m, 24h or 7d");
    }

    /// <summary>open (suspected or confirmed), resolved, exited or oom (killed by the OOM killer).</summary>
    /// <exception cref="FormatException">Not one of those.</exception>
    public static LeakStatus[] ParseStatus(string text) => text switch
    {
        "open" => [LeakStatus.Suspected, LeakStatus.Confirmed],
        "resolved" => [LeakStatus.Resolved],
        "exited" => [LeakStatus.Exited],
        "oom" => [LeakStatus.OomKilled],
        _ => throw new FormatException($"status '{text}' is not one of {Statuses}"),
    };
}
