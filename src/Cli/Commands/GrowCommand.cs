using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using MemGrowth.Tools.Workload;
using static MemGrowth.Cli.Commands.OptionParsers;

namespace MemGrowth.Cli.Commands;

/// <summary>`memgrowth grow`: a synthetic memory grower with a known true rate, for tests and demos.</summary>
internal sealed class GrowCommand : VerbCommand<GrowerOptions>, IHasHelpDetails
{
    private readonly Option<GrowthPattern> _pattern = Required(Parsed("--pattern", "P",
        "linear | accelerating | oscillating | burst | stable | sawtooth | plateau | gc-leak | release", OneOf<GrowthPattern>));

    private readonly Option<double> _rate = Required(Parsed("--rate", "MB",
        "MB per second (1 MB = 1 MiB); for stable the one-off size, for burst a fiftieth of each burst", Megabytes("MB per second", allowZero: false)));

    private readonly Option<int> _duration = Required(Parsed("--duration", "S",
        "seconds of growth (or 2m, ...); the grower exits 0 after duration + hold", WholeSeconds(1)));

    private readonly Option<MemoryKind> _memory = Parsed("--memory", "anon|file|shmem",
        "anon (default, RssAnon) | file (a file on disk, mapped: RssFile) | shmem (memfd: RssShmem)", OneOf<MemoryKind>);

    private readonly Option<int> _period = Parsed("--period", "S",
        "cycle in seconds: oscillating 10 (grow half of it), sawtooth 10 (grow half, then free all), gc-leak 10 (like sawtooth), burst 20 (one burst each), plateau 3 (seconds of growth before it stops), release 5 (seconds of growth before it frees 90 % at once and stays flat)",
        WholeSeconds(1));

    private readonly Option<int> _hold = Parsed("--hold", "S", "seconds to keep the memory after the growth, without growing (default 0)", WholeSeconds(0));

    private readonly Option<double> _leak = Parsed("--leak", "MB",
        "gc-leak only, and required there: MB per second kept from each tooth, so the troughs rise at it; more than 0 and less than half the rate (for an odd period, rate x (period-1)/2/period)",
        Megabytes("MB per second", allowZero: false));

    private readonly Option<double> _noise = Parsed("--noise", "MB",
        "allocator jitter, MB (default 0): a second region of the same --memory, re-sized to a uniform draw in [0, noise] at the start of every second, hold included",
        Megabytes("MB", allowZero: true));

    private readonly Option<int> _seed = Parsed("--seed", "N", "seeds the jitter's draws (default 1): the same seed gives the same jitter", Integer);

    private readonly Option<double> _delay = Parsed("--delay", "S", "seconds to live, flat, before the pattern starts (default 0; fractions allowed, at most 3600)", text =>
        Duration(text) is var delay && delay <= TimeSpan.FromHours(1) ? delay.TotalSeconds : throw new FormatException($"'{text}' is more than an hour (3600 s)"));

    public GrowCommand()
        : base("grow", "synthetic memory grower for tests and demos")
    {
        foreach (var option in new Option[] { _pattern, _rate, _duration, _memory, _period, _hold, _leak, _noise, _seed, _delay })
        {
            Add(option);
        }
    }

    public string HelpDetails => """
        Prints "pid=<pid> start mono=<s>" first, then every second
          "t=<s> held_bytes=<n> rss_bytes=<VmRSS> mono=<s> noise_bytes=<n>"
        held_bytes is the pattern's memory only, noise_bytes the jitter's, rss_bytes the process's VmRSS (both,
        plus the runtime); mono is CLOCK_MONOTONIC seconds when VmRSS was read (start: when growth began, after
        --delay); the line t=<duration> marks the end of the growth and the start of the hold.
        """;

    /// <exception cref="ArgumentException">Options that do not go together: a period or leak the pattern has none of, a leak its teeth cannot outgrow.</exception>
    public override GrowerOptions Settings(ParseResult result)
    {
        var pattern = result.GetValue(_pattern);
        var rate = result.GetValue(_rate);
        var duration = result.GetValue(_duration);
        var period = Period(result, pattern);
        if (pattern == GrowthPattern.Release && duration <= period)
        {
            throw new ArgumentException($"--duration {duration} ends before release frees at second {period}: give a --duration longer than --period");
        }

        return new GrowerOptions(
            pattern, rate, duration, result.Over(_memory, MemoryKind.Anon), Math.Max(period, 1), result.GetValue(_hold),
            Leak(result, pattern, rate, period), result.GetValue(_noise), result.Over(_seed, 1), result.GetValue(_delay));
    }

    protected override Task<int> RunAsync(GrowerOptions settings, ParseResult result, CancellationToken ct) =>
        Task.FromResult(Grower.Run(settings, Console.Out, Console.Error, ct));

    private int Period(ParseResult result, GrowthPattern pattern)
    {
        var period = GrowerOptions.DefaultPeriod(pattern);
        if (result.GetResult(_period) is null)
        {
            return period;
        }

        if (period == 0)
        {
            throw new ArgumentException($"--period does not apply to --pattern {KebabName(pattern)}: only oscillating, sawtooth, gc-leak, burst, plateau and release have a cycle");
        }

        // Oscillating, sawtooth and gc-leak spend half the period each way; a 1 s period would have no second half.
        var given = result.GetValue(_period);
        var least = pattern is GrowthPattern.Oscillating or GrowthPattern.Sawtooth or GrowthPattern.GcLeak ? 2 : 1;
        return given >= least ? given : throw new ArgumentException($"--period {given} is too small: give at least {least}");
    }

    private double Leak(ParseResult result, GrowthPattern pattern, double rate, int period)
    {
        if (result.GetResult(_leak) is null)
        {
            return pattern == GrowthPattern.GcLeak
                ? throw new ArgumentException("--pattern gc-leak needs --leak, the MB per second its troughs rise, e.g. --leak 0.5")
                : 0;
        }

        if (pattern != GrowthPattern.GcLeak)
        {
            throw new ArgumentException($"--leak does not apply to --pattern {KebabName(pattern)}: only gc-leak keeps part of each tooth");
        }

        var leak = result.GetValue(_leak);
        // Each tooth grows rate × half and the trough must rise leak × period in it: for an even period,
        // less than half the rate (a tooth that only just kept up would have no drop left to hide the leak).
        var half = period / 2;
        var most = rate * half / period;
        return leak < most
            ? leak
            : throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"--leak {leak:0.######} must be less than {most:0.######} MB per second: each {period} s tooth grows --rate {rate:0.######} for {half} s and must outgrow what the leak keeps"));
    }

    private static Option<T> Required<T>(Option<T> option)
    {
        option.Required = true;
        return option;
    }

    /// <summary>A number of MB (or MB per second), within what a grower can show in RSS without paging the host out.</summary>
    private static Func<string, double> Megabytes(string unit, bool allowZero) => text =>
    {
        if (!double.TryParse(text, NumberStyles.AllowDecimalPoint | NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var megabytes))
        {
            throw new FormatException($"'{text}' is not a number of {unit}, e.g. 2 or 0.5");
        }

        if (megabytes < 0 || (megabytes == 0 && !allowZero) || megabytes > GrowerOptions.MaxRateMegabytes)
        {
            throw new FormatException($"{text} is out of range: give {(allowZero ? "0" : "more than 0")} up to {GrowerOptions.MaxRateMegabytes} {unit}");
        }

        return megabytes > 0 && megabytes * GrowerOptions.BytesPerMegabyte < Environment.SystemPageSize
            ? throw new FormatException($"{text} is less than one page ({Environment.SystemPageSize} bytes), which cannot show in RSS")
            : megabytes;
    };

    /// <summary>An enum value as the command line writes it, any case: gc-leak is <see cref="GrowthPattern.GcLeak"/>.</summary>
    private static T OneOf<T>(string text)
        where T : struct, Enum =>
        Enum.GetValues<T>().Where(v => string.Equals(KebabName(v), text, StringComparison.OrdinalIgnoreCase)).Select(v => (T?)v).FirstOrDefault()
            ?? throw new FormatException($"'{text}' is not one of: {string.Join(", ", Enum.GetValues<T>().Select(v => KebabName(v)))}");

    private static string KebabName<T>(T value)
        where T : struct, Enum => JsonNamingPolicy.KebabCaseLower.ConvertName(value.ToString());
}
