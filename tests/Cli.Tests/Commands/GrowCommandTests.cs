using MemGrowth.Cli.Commands;
using MemGrowth.Tools.Workload;
using Xunit;

namespace MemGrowth.Cli.Tests.Commands;

/// <summary>`memgrowth grow`'s arguments, through the real parser.</summary>
public sealed class GrowCommandTests
{
    [Fact]
    public void Should_parse_the_readme_s_command()
    {
        var options = Grow("--pattern", "linear", "--rate", "1", "--duration", "60");

        Assert.Equal(new GrowerOptions(GrowthPattern.Linear, 1, 60, MemoryKind.Anon, 1, 0), options);
        Assert.Equal(1L << 20, options.RateBytes);
    }

    [Fact]
    public void Should_accept_equals_signs_fractions_and_any_order()
    {
        var options = Grow("--memory=shmem", "--duration=30", "--rate=0.5", "--pattern=Sawtooth", "--period", "6", "--hold", "5");

        Assert.Equal(new GrowerOptions(GrowthPattern.Sawtooth, 0.5, 30, MemoryKind.Shmem, 6, 5), options);
        Assert.Equal(512L * 1024, options.RateBytes);
    }

    [Theory]
    [InlineData("1.5", 1.5)]
    [InlineData("0", 0)]
    public void Should_parse_a_delay_before_the_pattern(string text, double seconds)
    {
        var options = Grow("--pattern", "linear", "--rate", "1", "--duration", "10", "--delay", text);

        Assert.Equal(seconds, options.DelaySeconds);
    }

    [Theory]
    [InlineData("-1")]
    [InlineData("soon")]
    [InlineData("4000")]
    public void Should_refuse_a_delay_that_is_not_a_sane_number_of_seconds(string text)
    {
        var error = Assert.Throws<ArgumentException>(() => Grow("--pattern", "linear", "--rate", "1", "--duration", "10", "--delay", text));

        Assert.Contains("--delay", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Should_parse_a_gc_leak_with_noise_and_seed()
    {
        var options = Grow("--pattern", "gc-leak", "--rate", "4", "--leak", "0.5", "--duration", "12", "--noise", "2", "--seed", "42");

        Assert.Equal(new GrowerOptions(GrowthPattern.GcLeak, 4, 12, MemoryKind.Anon, 10, 0, 0.5, 2, 42), options);
        Assert.Equal(512L * 1024, options.LeakBytes);
        Assert.Equal(2L << 20, options.NoiseBytes);
    }

    [Fact]
    public void Should_default_to_no_leak_no_noise_and_seed_1()
    {
        var options = Grow("--pattern", "release", "--rate", "1", "--duration", "8");

        Assert.Equal(new GrowerOptions(GrowthPattern.Release, 1, 8, MemoryKind.Anon, 5, 0, 0, 0, 1), options);
        Assert.Equal(0, options.LeakBytes);
        Assert.Equal(0, options.NoiseBytes);
    }

    [Fact]
    public void Should_accept_a_seed_without_noise_and_noise_for_any_pattern()
    {
        // The validation corpus passes --seed on every run, noisy or not.
        Assert.Equal(-7, Grow("--pattern", "linear", "--rate", "1", "--duration", "5", "--seed", "-7").Seed);
        Assert.Equal(0, Grow("--pattern", "linear", "--rate", "1", "--duration", "5", "--noise", "0").NoiseMegabytes);
        Assert.Equal(0.25, Grow("--pattern", "burst", "--rate", "1", "--duration", "5", "--noise=0.25").NoiseMegabytes);
    }

    [Theory]
    [InlineData("4", "10", "1.999")]
    [InlineData("4", "2", "1.999")]
    [InlineData("5", "5", "1.999")] // an odd period grows for 2 of 5 s: the leak must stay under 5 × 2/5 = 2
    public void Should_accept_a_leak_just_under_what_a_tooth_can_outgrow(string rate, string period, string leak) =>
        Assert.Equal(double.Parse(leak, System.Globalization.CultureInfo.InvariantCulture), Grow(
            "--pattern", "gc-leak", "--rate", rate, "--period", period, "--leak", leak, "--duration", "30").LeakMegabytes);

    [Theory]
    [InlineData("oscillating", 10)]
    [InlineData("sawtooth", 10)]
    [InlineData("burst", 20)]
    [InlineData("plateau", 3)]
    [InlineData("release", 5)]
    public void Should_default_each_pattern_s_period(string pattern, int period) =>
        Assert.Equal(period, Grow("--pattern", pattern, "--rate", "1", "--duration", "30").PeriodSeconds);

    [Fact]
    public void Should_default_gc_leak_s_period_to_ten() =>
        Assert.Equal(10, Grow("--pattern", "GC-Leak", "--rate", "1", "--leak", "0.1", "--duration", "30").PeriodSeconds);

    [Theory]
    [InlineData(new[] { "--rate", "1", "--duration", "5" }, "Option '--pattern' is required")]
    [InlineData(new[] { "--pattern", "linear", "--duration", "5" }, "Option '--rate' is required")]
    [InlineData(new[] { "--pattern", "linear", "--rate", "1" }, "Option '--duration' is required")]
    [InlineData(new[] { "--pattern", "spiral", "--rate", "1", "--duration", "5" }, "--pattern: 'spiral' is not one of: linear, accelerating, oscillating, burst, stable, sawtooth, plateau, gc-leak, release")]
    [InlineData(new[] { "--pattern", "gcleak", "--rate", "1", "--duration", "5" }, "--pattern: 'gcleak' is not one of")]
    [InlineData(new[] { "--pattern", "linear", "--rate", "lots", "--duration", "5" }, "--rate: 'lots' is not a number of MB per second")]
    [InlineData(new[] { "--pattern", "linear", "--rate", "-1", "--duration", "5" }, "--rate: -1 is out of range")]
    [InlineData(new[] { "--pattern", "linear", "--rate", "0", "--duration", "5" }, "--rate: 0 is out of range")]
    [InlineData(new[] { "--pattern", "linear", "--rate", "0.000001", "--duration", "5" }, "less than one page")]
    [InlineData(new[] { "--pattern", "linear", "--rate", "1", "--duration", "1.5" }, "--duration: '1.5' is not a whole number of seconds")]
    [InlineData(new[] { "--pattern", "linear", "--rate", "1", "--duration", "0" }, "--duration: '0' is too short: give at least 1s")]
    [InlineData(new[] { "--pattern", "linear", "--rate", "1", "--duration", "5", "--memory", "heap" }, "--memory: 'heap' is not one of: anon, file, shmem")]
    [InlineData(new[] { "--pattern", "linear", "--rate", "1", "--duration", "5", "--period", "4" }, "--period does not apply to --pattern linear")]
    [InlineData(new[] { "--pattern", "oscillating", "--rate", "1", "--duration", "5", "--period", "1" }, "--period 1 is too small: give at least 2")]
    [InlineData(new[] { "--pattern", "linear", "--rate", "1", "--duration", "5", "--hold", "-3" }, "--hold: '-3' is not a duration")]
    [InlineData(new[] { "--pattern", "linear", "--rate", "1", "--rate", "2", "--duration", "5" }, "Option '--rate' expects a single argument but 2 were provided")]
    [InlineData(new[] { "--pattern", "gc-leak", "--rate", "4", "--duration", "5" }, "--pattern gc-leak needs --leak")]
    [InlineData(new[] { "--pattern", "sawtooth", "--rate", "4", "--duration", "5", "--leak", "1" }, "--leak does not apply to --pattern sawtooth")]
    [InlineData(new[] { "--pattern", "linear", "--rate", "4", "--duration", "5", "--leak", "1" }, "--leak does not apply to --pattern linear")]
    [InlineData(new[] { "--pattern", "gc-leak", "--rate", "4", "--duration", "5", "--leak", "0" }, "--leak: 0 is out of range")]
    [InlineData(new[] { "--pattern", "gc-leak", "--rate", "4", "--duration", "5", "--leak", "-0.5" }, "--leak: -0.5 is out of range")]
    [InlineData(new[] { "--pattern", "gc-leak", "--rate", "4", "--duration", "5", "--leak", "lots" }, "--leak: 'lots' is not a number of MB per second")]
    [InlineData(new[] { "--pattern", "gc-leak", "--rate", "4", "--duration", "5", "--leak", "0.000001" }, "--leak: 0.000001 is less than one page")]
    [InlineData(new[] { "--pattern", "gc-leak", "--rate", "4", "--duration", "5", "--leak", "2" }, "--leak 2 must be less than 2 MB per second")]
    [InlineData(new[] { "--pattern", "gc-leak", "--rate", "4", "--duration", "5", "--leak", "3" }, "--leak 3 must be less than 2 MB per second")]
    [InlineData(new[] { "--pattern", "gc-leak", "--rate", "5", "--period", "5", "--duration", "5", "--leak", "2" }, "--leak 2 must be less than 2 MB per second: each 5 s tooth grows --rate 5 for 2 s")]
    [InlineData(new[] { "--pattern", "gc-leak", "--rate", "4", "--period", "1", "--duration", "5", "--leak", "1" }, "--period 1 is too small: give at least 2")]
    [InlineData(new[] { "--pattern", "release", "--rate", "1", "--duration", "5" }, "--duration 5 ends before release frees at second 5")]
    [InlineData(new[] { "--pattern", "release", "--rate", "1", "--duration", "8", "--period", "8" }, "--duration 8 ends before release frees at second 8")]
    [InlineData(new[] { "--pattern", "stable", "--rate", "1", "--duration", "5", "--period", "8" }, "--period does not apply to --pattern stable: only oscillating, sawtooth, gc-leak, burst, plateau and release")]
    [InlineData(new[] { "--pattern", "linear", "--rate", "1", "--duration", "5", "--noise", "-1" }, "--noise: -1 is out of range: give 0 up to")]
    [InlineData(new[] { "--pattern", "linear", "--rate", "1", "--duration", "5", "--noise", "some" }, "--noise: 'some' is not a number of MB")]
    [InlineData(new[] { "--pattern", "linear", "--rate", "1", "--duration", "5", "--noise", "0.000001" }, "--noise: 0.000001 is less than one page")]
    [InlineData(new[] { "--pattern", "linear", "--rate", "1", "--duration", "5", "--noise", "99999" }, "--noise: 99999 is out of range")]
    [InlineData(new[] { "--pattern", "linear", "--rate", "1", "--duration", "5", "--seed", "1.5" }, "--seed: '1.5' is not a whole number")]
    [InlineData(new[] { "--pattern", "linear", "--rate", "1", "--duration", "5", "--seed" }, "Required argument missing for option: '--seed'")]
    [InlineData(new[] { "--pattern", "linear", "--rate", "--duration", "5" }, "--rate: '--duration' is not a number of MB per second")]
    [InlineData(new[] { "--pattern", "linear", "--rate", "1", "--duration", "5", "--speed", "3" }, "Unrecognized command or argument '--speed'")]
    [InlineData(new[] { "--pattern", "linear", "1" }, "Unrecognized command or argument '1'")]
    public void Should_say_what_is_wrong_with_the_arguments(string[] args, string message)
    {
        var error = Assert.Throws<ArgumentException>(() => Grow(args));
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("2m", 120)]
    [InlineData("90s", 90)]
    public void Should_read_a_duration_with_its_unit_as_every_duration_flag_does(string text, int seconds) =>
        Assert.Equal(seconds, Grow("--pattern", "linear", "--rate", "1", "--duration", text).DurationSeconds);

    private static GrowerOptions Grow(params string[] args) => MemgrowthCommand.Parse<GrowerOptions>(["grow", .. args]);
}
