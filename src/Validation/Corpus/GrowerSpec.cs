using System.Globalization;

namespace MemGrowth.Validation.Corpus;

/// <summary>The arguments of one `memgrowth grow` process (see its --help).</summary>
/// <param name="Pattern">linear, accelerating, oscillating, burst, stable, sawtooth, plateau, gc-leak or release.</param>
/// <param name="RateMegabytes">MiB per second (for stable the one-off size, for burst a fiftieth of each burst).</param>
/// <param name="DurationSeconds">Seconds of the pattern; then <paramref name="HoldSeconds"/> flat.</param>
/// <param name="Memory">anon, file or shmem.</param>
/// <param name="PeriodSeconds">The pattern's cycle, when it has one.</param>
/// <param name="LeakMegabytes">gc-leak only: MiB per second the troughs rise.</param>
/// <param name="NoiseMegabytes">Allocator jitter on top of the pattern, MiB.</param>
/// <param name="DelaySeconds">Seconds the process lives, flat, before its pattern starts.</param>
public sealed record GrowerSpec(
    string Pattern,
    double RateMegabytes,
    int DurationSeconds,
    string Memory = "anon",
    int? PeriodSeconds = null,
    int HoldSeconds = 0,
    double? LeakMegabytes = null,
    double NoiseMegabytes = 0,
    int Seed = 1,
    double DelaySeconds = 0)
{
    public IReadOnlyList<string> Arguments()
    {
        var args = new List<string>
        {
            "grow", "--pattern", Pattern, "--rate", Number(RateMegabytes), "--duration", Int(DurationSeconds),
            "--memory", Memory, "--hold", Int(HoldSeconds), "--seed", Int(Seed),
        };
        if (PeriodSeconds is { } period)
        {
            args.AddRange(["--period", Int(period)]);
        }

        if (LeakMegabytes is { } leak)
        {
            args.AddRange(["--leak", Number(leak)]);
        }

        if (NoiseMegabytes > 0)
        {
            args.AddRange(["--noise", Number(NoiseMegabytes)]);
        }

        if (DelaySeconds > 0)
        {
            args.AddRange(["--delay", Number(DelaySeconds)]);
        }

        return args;
    }

    /// <summary>The parameters that vary between runs, for the report.</summary>
    public string Describe()
    {
        var text = string.Create(CultureInfo.InvariantCulture, $"{Pattern} {Memory} rate={RateMegabytes:0.###}MiB/s");
        if (LeakMegabytes is { } leak)
        {
            text += string.Create(CultureInfo.InvariantCulture, $" leak={leak:0.###}MiB/s");
        }

        if (PeriodSeconds is { } period)
        {
            text += string.Create(CultureInfo.InvariantCulture, $" period={period}s");
        }

        return text + string.Create(CultureInfo.InvariantCulture, $" noise={NoiseMegabytes:0.##}MiB delay={DelaySeconds:0.#}s {DurationSeconds}+{HoldSeconds}s");
    }

    private static string Number(double value) => value.ToString("0.######", CultureInfo.InvariantCulture);

    private static string Int(int value) => value.ToString(CultureInfo.InvariantCulture);
}
