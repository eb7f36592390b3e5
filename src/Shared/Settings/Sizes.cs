using System.Globalization;

namespace MemGrowth.Shared.Settings;

/// <summary>
/// How a size is written on the command line: every flag that takes one reads it here. A config file's sizes
/// are HOCON's own (which also reads these).
/// </summary>
public static class Sizes
{
    /// <summary>What <see cref="Parse"/> accepts, for messages and help.</summary>
    public const string Accepted = "a whole number of bytes, or with KiB, MiB, GiB (also k, K, M, G: powers of 1024), e.g. 32KiB, 4MiB, 1000";

    private static readonly (string Suffix, long Bytes)[] Units =
    [
        ("KiB", 1L << 10), ("MiB", 1L << 20), ("GiB", 1L << 30), ("k", 1L << 10), ("K", 1L << 10), ("M", 1L << 20), ("G", 1L << 30), ("", 1),
    ];

    /// <summary>"32KiB", "4M", "1000" as bytes.</summary>
    /// <exception cref="FormatException">Not a whole number with one of those units, or more than a long holds.</exception>
    public static long Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        foreach (var (suffix, bytes) in Units)
        {
            if (text.EndsWith(suffix, StringComparison.Ordinal) &&
                long.TryParse(text.AsSpan(0, text.Length - suffix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var n))
            {
                return n <= long.MaxValue / bytes
                    ? n * bytes
                    : throw new FormatException($"'{text}' is too large: at most {long.MaxValue / bytes}{suffix}");
            }
        }

        throw new FormatException($"'{text}' is not a size: give {Accepted}");
    }
}
