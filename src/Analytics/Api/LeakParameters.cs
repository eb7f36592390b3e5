using System.Globalization;
using MemGrowth.Analytics.Leaks;

namespace MemGrowth.Analytics.Api;

/// <summary>The words operators filter leaks with, on the command line and in the API: "24h", "open".</summary>
public static class LeakParameters
{
    public const string Statuses = "open, resolved, exited, oom";

    /// <summary>"90s", "30m", "24h", "7d" as a span.</summary>
    /// <exception cref="FormatException">Not a whole number followed by s, m, h or d, or longer than a span can be (about 29,000 years).</exception>
    public static TimeSpan ParseSince(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length >= 2 && long.TryParse(text.AsSpan(0, text.Length - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var n))
        {
            var unit = text[^1] switch
            {
                's' => TimeSpan.TicksPerSecond,
                'm' => TimeSpan.TicksPerMinute,
                'h' => TimeSpan.TicksPerHour,
                'd' => TimeSpan.TicksPerDay,
                _ => 0,
            };
            if (unit > 0)
            {
                return n <= TimeSpan.MaxValue.Ticks / unit
                    ? TimeSpan.FromTicks(n * unit)
                    : throw new FormatException(string.Create(CultureInfo.InvariantCulture,
                        $"since '{text}' is too long: at most {TimeSpan.MaxValue.Ticks / unit}{text[^1]}"));
            }
        }

        throw new FormatException($"since '{text}' is not a span like 90s, 30m, 24h or 7d");
    }

    /// <summary>The time <paramref name="since"/> (as <see cref="ParseSince"/> reads it) before <paramref name="now"/>.</summary>
    /// <exception cref="FormatException">Not a span, or one that reaches back before year 1.</exception>
    public static DateTimeOffset ParseSeenSince(string since, DateTimeOffset now)
    {
        var span = ParseSince(since);
        return span <= now - DateTimeOffset.MinValue
            ? now - span
            : throw new FormatException(string.Create(CultureInfo.InvariantCulture,
                $"since '{since}' reaches back before year 1: at most {Math.Floor((now - DateTimeOffset.MinValue).TotalDays)}d"));
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
