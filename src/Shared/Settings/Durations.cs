using System.Globalization;

namespace MemGrowth.Shared.Settings;

/// <summary>
/// How a duration is written on the command line: every flag that takes one reads it here, so `run --interval`,
/// `leaks --since` and `grow --duration` accept the same words. A config file's durations are HOCON's own.
/// </summary>
public static class Durations
{
    /// <summary>What <see cref="Parse"/> accepts, for messages and help.</summary>
    public const string Accepted = "a number with ms, s, m, h or d (500ms, 1.5s, 5m, 24h, 7d); a bare number is seconds";

    // Longest suffix first: "ms" also ends in "s".
    private static readonly (string Suffix, long Ticks)[] Units =
    [
        ("ms", TimeSpan.TicksPerMillisecond),
        ("s", TimeSpan.TicksPerSecond),
        ("m", TimeSpan.TicksPerMinute),
        ("h", TimeSpan.TicksPerHour),
        ("d", TimeSpan.TicksPerDay),
        ("", TimeSpan.TicksPerSecond),
    ];

    /// <summary>"500ms", "1.5s", "5m", "24h", "7d", or "60" (seconds) as a span, to the tick.</summary>
    /// <exception cref="FormatException">Not a non-negative number with one of those units, or longer than a span can be (about 29,000 years).</exception>
    public static TimeSpan Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        foreach (var (suffix, ticks) in Units)
        {
            if (!text.EndsWith(suffix, StringComparison.Ordinal) ||
                !double.TryParse(text.AsSpan(0, text.Length - suffix.Length), NumberStyles.Float, CultureInfo.InvariantCulture, out var n) ||
                !double.IsFinite(n) || n < 0)
            {
                continue;
            }

            // A whole number is multiplied exactly; a fraction is rounded to the tick.
            var most = TimeSpan.MaxValue.Ticks / ticks;
            return n <= most
                ? TimeSpan.FromTicks(n == Math.Floor(n) ? (long)n * ticks : (long)Math.Round(n * ticks))
                : throw new FormatException(string.Create(CultureInfo.InvariantCulture,
                    $"'{text}' is too long: at most {most}{(suffix.Length == 0 ? "s" : suffix)}"));
        }

        throw new FormatException($"'{text}' is not a duration: give {Accepted}");
    }
}
