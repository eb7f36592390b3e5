using System.Globalization;
using System.Text.Json;

namespace MemGrowth.Tools.Workload;

/// <summary>The arguments of <c>memgrowth grow</c>, checked.</summary>
/// <param name="RateMegabytes">MB per second, where a MB is 2^20 bytes (what /proc's kB = 1024 bytes adds up to).</param>
/// <param name="PeriodSeconds">The pattern's cycle (<see cref="DefaultPeriod"/> when not given).</param>
/// <param name="HoldSeconds">Seconds to keep holding the memory, flat, after <paramref name="DurationSeconds"/> of growth.</param>
/// <param name="LeakMegabytes">gc-leak only (0 otherwise): MB per second its troughs rise.</param>
/// <param name="NoiseMegabytes">The most a separate jitter region holds, re-drawn each second; 0 for none.</param>
/// <param name="Seed">Seeds the jitter, so a run can be repeated.</param>
/// <param name="DelaySeconds">Seconds the process lives, flat, before the pattern starts (a service that leaks once it serves).</param>
public sealed record GrowerOptions(
    GrowthPattern Pattern,
    double RateMegabytes,
    int DurationSeconds,
    MemoryKind Memory,
    int PeriodSeconds,
    int HoldSeconds,
    double LeakMegabytes = 0,
    double NoiseMegabytes = 0,
    int Seed = 1,
    double DelaySeconds = 0)
{
    public const long BytesPerMegabyte = 1 << 20;

    /// <summary>A sanity bound: a typo like --rate 80000 should not page the host out before anyone notices.</summary>
    public const double MaxRateMegabytes = 16384;

    public const string Usage = """
        usage: memgrowth grow --pattern P --rate MB --duration S [--memory anon|file|shmem] [--period S] [--hold S]
                              [--leak MB] [--noise MB] [--seed N] [--delay S]
          --pattern   linear | accelerating | oscillating | burst | stable | sawtooth | plateau | gc-leak | release
          --rate      MB per second (1 MB = 1 MiB); for stable the one-off size, for burst a fiftieth of each burst
          --duration  seconds of growth; the grower exits 0 after duration + hold
          --memory    anon (default, RssAnon) | file (a file on disk, mapped: RssFile) | shmem (memfd: RssShmem)
          --period    cycle in seconds: oscillating 10 (grow half of it), sawtooth 10 (grow half, then free all),
                      gc-leak 10 (like sawtooth), burst 20 (one burst each), plateau 3 (seconds of growth before
                      it stops), release 5 (seconds of growth before it frees 90 % at once and stays flat)
          --hold      seconds to keep the memory after the growth, without growing (default 0)
          --leak      gc-leak only, and required there: MB per second kept from each tooth, so the troughs rise
                      at it; more than 0 and less than half the rate (for an odd period, rate x (period-1)/2/period)
          --noise     allocator jitter, MB (default 0): a second region of the same --memory, re-sized to a
                      uniform draw in [0, noise] at the start of every second, hold included
          --seed      seeds the jitter's draws (default 1): the same seed gives the same jitter
          --delay     seconds to live, flat, before the pattern starts (default 0; fractions allowed)
        prints "pid=<pid> start mono=<s>" first, then every second
          "t=<s> held_bytes=<n> rss_bytes=<VmRSS> mono=<s> noise_bytes=<n>"
        held_bytes is the pattern's memory only, noise_bytes the jitter's, rss_bytes the process's VmRSS (both,
        plus the runtime); mono is CLOCK_MONOTONIC seconds when VmRSS was read (start: when growth began,
        after --delay);
        the line t=<duration> marks the end of the growth and the start of the hold
        """;

    private static readonly string[] Names = ["--pattern", "--rate", "--duration", "--memory", "--period", "--hold", "--leak", "--noise", "--seed", "--delay"];

    public long RateBytes => (long)(RateMegabytes * BytesPerMegabyte);

    public long LeakBytes => (long)(LeakMegabytes * BytesPerMegabyte);

    public long NoiseBytes => (long)(NoiseMegabytes * BytesPerMegabyte);

    /// <summary>The cycle a pattern uses when --period is not given; 0 for patterns that have none.</summary>
    public static int DefaultPeriod(GrowthPattern pattern) => pattern switch
    {
        GrowthPattern.Oscillating or GrowthPattern.Sawtooth or GrowthPattern.GcLeak => 10,
        GrowthPattern.Burst => 20,
        GrowthPattern.Plateau => 3,
        GrowthPattern.Release => 5,
        _ => 0,
    };

    /// <summary>
    /// Parses <c>grow</c>'s arguments ("--rate 8" or "--rate=8"); a leading "grow" is skipped, so the
    /// whole command line can be passed too.
    /// </summary>
    /// <exception cref="ArgumentException">With a sentence that names the option and what it accepts.</exception>
    public static GrowerOptions Parse(IReadOnlyList<string> args)
    {
        var values = Collect(args);
        var pattern = ParseName<GrowthPattern>(Required(values, "--pattern"), "--pattern");
        var rate = ParseMegabytes(Required(values, "--rate"), "--rate", "MB per second", allowZero: false);
        var duration = ParseSeconds(Required(values, "--duration"), "--duration", minimum: 1);
        var memory = values.TryGetValue("--memory", out var m) ? ParseName<MemoryKind>(m, "--memory") : MemoryKind.Anon;
        var hold = values.TryGetValue("--hold", out var h) ? ParseSeconds(h, "--hold", minimum: 0) : 0;
        var period = ParsePeriod(values, pattern);
        if (pattern == GrowthPattern.Release && duration <= period)
        {
            throw new ArgumentException($"--duration {duration} ends before release frees at second {period}: give a --duration longer than --period");
        }

        var leak = ParseLeak(values, pattern, rate, period);
        var noise = values.TryGetValue("--noise", out var n) ? ParseMegabytes(n, "--noise", "MB", allowZero: true) : 0;
        var seed = values.TryGetValue("--seed", out var s) ? ParseSeed(s) : 1;
        var delay = values.TryGetValue("--delay", out var d) ? ParseDelay(d) : 0;
        return new GrowerOptions(pattern, rate, duration, memory, Math.Max(period, 1), hold, leak, noise, seed, delay);
    }

    private static Dictionary<string, string> Collect(IReadOnlyList<string> args)
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

        return values;
    }

    private static int ParsePeriod(Dictionary<string, string> values, GrowthPattern pattern)
    {
        var period = DefaultPeriod(pattern);
        if (!values.TryGetValue("--period", out var p))
        {
            return period;
        }

        if (period == 0)
        {
            throw new ArgumentException($"--period does not apply to --pattern {Name(pattern)}: only oscillating, sawtooth, gc-leak, burst, plateau and release have a cycle");
        }

        // Oscillating, sawtooth and gc-leak spend half the period each way; a 1 s period would have no second half.
        return ParseSeconds(p, "--period", minimum: pattern is GrowthPattern.Oscillating or GrowthPattern.Sawtooth or GrowthPattern.GcLeak ? 2 : 1);
    }

    private static double ParseLeak(Dictionary<string, string> values, GrowthPattern pattern, double rate, int period)
    {
        if (!values.TryGetValue("--leak", out var text))
        {
            return pattern == GrowthPattern.GcLeak
                ? throw new ArgumentException($"--pattern gc-leak needs --leak, the MB per second its troughs rise, e.g. {Example("--leak")}")
                : 0;
        }

        if (pattern != GrowthPattern.GcLeak)
        {
            throw new ArgumentException($"--leak does not apply to --pattern {Name(pattern)}: only gc-leak keeps part of each tooth");
        }

        var leak = ParseMegabytes(text, "--leak", "MB per second", allowZero: false);
        // Each tooth grows rate × half and the trough must rise leak × period in it: for an even period,
        // less than half the rate (a tooth that only just kept up would have no drop left to hide the leak).
        var half = period / 2;
        var most = rate * half / period;
        return leak < most
            ? leak
            : throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"--leak {text} must be less than {most:0.######} MB per second: each {period} s tooth grows --rate {rate:0.######} for {half} s and must outgrow what the leak keeps"));
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

    private static double ParseMegabytes(string text, string option, string unit, bool allowZero)
    {
        if (!double.TryParse(text, NumberStyles.AllowDecimalPoint | NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var megabytes))
        {
            throw new ArgumentException($"{option} '{text}' is not a number of {unit}, e.g. {option} 2 or {option} 0.5");
        }

        if (megabytes < 0 || (megabytes == 0 && !allowZero) || megabytes > MaxRateMegabytes)
        {
            throw new ArgumentException($"{option} {text} is out of range: give {(allowZero ? "0" : "more than 0")} up to {MaxRateMegabytes} {unit}");
        }

        if (megabytes > 0 && megabytes * BytesPerMegabyte < Environment.SystemPageSize)
        {
            throw new ArgumentException($"{option} {text} is less than one page ({Environment.SystemPageSize} bytes), which cannot show in RSS");
        }

        return megabytes;
    }

    private static int ParseSeconds(string text, string option, int minimum)
    {
        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
        {
            throw new ArgumentException($"{option} '{text}' is not a whole number of seconds, e.g. {Example(option)}");
        }

        return seconds >= minimum ? seconds : throw new ArgumentException($"{option} {text} is too small: give at least {minimum}");
    }

    private static double ParseDelay(string text) =>
        double.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var delay) && delay <= 3600
            ? delay
            : throw new ArgumentException($"--delay '{text}' is not a number of seconds from 0 to 3600, e.g. --delay 1.5");

    private static int ParseSeed(string text) =>
        int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var seed)
            ? seed
            : throw new ArgumentException($"--seed '{text}' is not a whole number, e.g. {Example("--seed")}");

    private static string Example(string option) => option switch
    {
        "--pattern" => "--pattern linear",
        "--rate" => "--rate 8 (MB per second)",
        "--duration" => "--duration 60 (seconds)",
        "--memory" => "--memory anon",
        "--period" => "--period 10 (seconds)",
        "--leak" => "--leak 0.5 (MB per second)",
        "--noise" => "--noise 2 (MB)",
        "--seed" => "--seed 1",
        "--delay" => "--delay 1.5",
        _ => $"{option} 10 (seconds)",
    };

    /// <summary>How an enum value is written on the command line: GcLeak is gc-leak.</summary>
    private static string Name<T>(T value)
        where T : struct, Enum => JsonNamingPolicy.KebabCaseLower.ConvertName(value.ToString());
}
