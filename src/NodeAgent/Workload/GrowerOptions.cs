using System.Globalization;

namespace MemGrowth.NodeAgent.Workload;

/// <summary>The arguments of <c>memgrowth grow</c>, checked.</summary>
/// <param name="RateMegabytes">MB per second, where a MB is 2^20 bytes (what /proc's kB = 1024 bytes adds up to).</param>
/// <param name="PeriodSeconds">The pattern's cycle (<see cref="DefaultPeriod"/> when not given).</param>
/// <param name="HoldSeconds">Seconds to keep holding the memory, flat, after <paramref name="DurationSeconds"/> of growth.</param>
internal sealed record GrowerOptions(
    GrowthPattern Pattern,
    double RateMegabytes,
    int DurationSeconds,
    MemoryKind Memory,
    int PeriodSeconds,
    int HoldSeconds)
{
    public const long BytesPerMegabyte = 1 << 20;

    /// <summary>A sanity bound: a typo like --rate 80000 should not page the host out before anyone notices.</summary>
    public const double MaxRateMegabytes = 16384;

    public const string Usage = """
        usage: memgrowth grow --pattern P --rate MB --duration S [--memory anon|file|shmem] [--period S] [--hold S]
          --pattern   linear | accelerating | oscillating | burst | stable | sawtooth | plateau
          --rate      MB per second (1 MB = 1 MiB); for stable the one-off size, for burst a fiftieth of each burst
          --duration  seconds of growth; the grower exits 0 after duration + hold
          --memory    anon (default, RssAnon) | file (a file on disk, mapped: RssFile) | shmem (memfd: RssShmem)
          --period    cycle in seconds: oscillating 10 (grow half of it), sawtooth 10 (grow half, then free all),
                      burst 20 (one burst each), plateau 3 (seconds of growth before it stops)
          --hold      seconds to keep the memory after the growth, without growing (default 0)
        prints "t=<s> held_bytes=<n> rss_bytes=<VmRSS>" every second
        """;

    private static readonly string[] Names = ["--pattern", "--rate", "--duration", "--memory", "--period", "--hold"];

    public long RateBytes => (long)(RateMegabytes * BytesPerMegabyte);

    /// <summary>The cycle a pattern uses when --period is not given; 0 for patterns that have none.</summary>
    public static int DefaultPeriod(GrowthPattern pattern) => pattern switch
    {
        GrowthPattern.Oscillating or GrowthPattern.Sawtooth => 10,
        GrowthPattern.Burst => 20,
        GrowthPattern.Plateau => 3,
        _ => 0,
    };

    /// <summary>
    /// Parses <c>grow</c>'s arguments ("--rate 8" or "--rate=8"); a leading "grow" is skipped, so the
    /// whole command line can be passed too.
    /// </summary>
    /// <exception cref="ArgumentException">With a sentence that names the option and what it accepts.</exception>
    public static GrowerOptions Parse(IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = args.Count > 0 && args[0] == "grow" ? 1 : 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (!arg.StartsWith("--", StringComparison.Ordinal))
            {
                throw new ArgumentException($"unexpected argument '{arg}': options are {string.Join(", ", Names)}");
            }

            var equals = arg.IndexOf('=', StringComparison.Ordinal);
            var name = equals < 0 ? arg : arg[..equals];
            if (!Names.Contains(name))
            {
                throw new ArgumentException($"unknown option '{name}': options are {string.Join(", ", Names)}");
            }

            string value;
            if (equals >= 0)
            {
                value = arg[(equals + 1)..];
            }
            else if (i + 1 < args.Count && !args[i + 1].StartsWith("--", StringComparison.Ordinal))
            {
                value = args[++i];
            }
            else
            {
                throw new ArgumentException($"{name} needs a value, e.g. {Example(name)}");
            }

            if (!values.TryAdd(name, value))
            {
                throw new ArgumentException($"{name} is given twice");
            }
        }

        var pattern = ParseName<GrowthPattern>(Required(values, "--pattern"), "--pattern");
        var rate = ParseRate(Required(values, "--rate"));
        var duration = ParseSeconds(Required(values, "--duration"), "--duration", minimum: 1);
        var memory = values.TryGetValue("--memory", out var m) ? ParseName<MemoryKind>(m, "--memory") : MemoryKind.Anon;
        var hold = values.TryGetValue("--hold", out var h) ? ParseSeconds(h, "--hold", minimum: 0) : 0;
        var period = DefaultPeriod(pattern);
        if (values.TryGetValue("--period", out var p))
        {
            if (period == 0)
            {
                throw new ArgumentException($"--period does not apply to --pattern {Name(pattern)}: only oscillating, sawtooth, burst and plateau have a cycle");
            }

            // Oscillating and sawtooth spend half the period each way; a 1 s period would have no second half.
            period = ParseSeconds(p, "--period", minimum: pattern is GrowthPattern.Oscillating or GrowthPattern.Sawtooth ? 2 : 1);
        }

        return new GrowerOptions(pattern, rate, duration, memory, Math.Max(period, 1), hold);
    }

    private static string Required(Dictionary<string, string> values, string name) =>
        values.TryGetValue(name, out var value) ? value : throw new ArgumentException($"{name} is required, e.g. {Example(name)}");

    private static T ParseName<T>(string text, string option)
        where T : struct, Enum
    {
        foreach (var value in Enum.GetValues<T>())
        {
            if (string.Equals(Name(value), text, StringComparison.OrdinalIgnoreCase))
            {
                return value;
            }
        }

        throw new ArgumentException($"{option} '{text}' is not one of: {string.Join(", ", Enum.GetValues<T>().Select(v => Name(v)))}");
    }

    private static double ParseRate(string text)
    {
        if (!double.TryParse(text, NumberStyles.AllowDecimalPoint | NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var rate))
        {
            throw new ArgumentException($"--rate '{text}' is not a number of MB per second, e.g. --rate 8 or --rate 0.5");
        }

        if (rate <= 0 || rate > MaxRateMegabytes)
        {
            throw new ArgumentException($"--rate {text} is out of range: give more than 0 and at most {MaxRateMegabytes} MB per second");
        }

        if (rate * BytesPerMegabyte < Environment.SystemPageSize)
        {
            throw new ArgumentException($"--rate {text} is less than one page ({Environment.SystemPageSize} bytes) per second, which cannot show as growth");
        }

        return rate;
    }

    private static int ParseSeconds(string text, string option, int minimum)
    {
        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
        {
            throw new ArgumentException($"{option} '{text}' is not a whole number of seconds, e.g. {Example(option)}");
        }

        return seconds >= minimum ? seconds : throw new ArgumentException($"{option} {text} is too small: give at least {minimum}");
    }

    private static string Example(string option) => option switch
    {
        "--pattern" => "--pattern linear",
        "--rate" => "--rate 8 (MB per second)",
        "--duration" => "--duration 60 (seconds)",
        "--memory" => "--memory anon",
        "--period" => "--period 10 (seconds)",
        _ => $"{option} 10 (seconds)",
    };

    private static string Name<T>(T value)
        where T : struct, Enum => value.ToString().ToLowerInvariant();
}
