using MemGrowth.NodeAgent.Workload;
using Xunit;

namespace MemGrowth.NodeAgent.Tests.Workload;

public sealed class GrowerOptionsTests
{
    [Fact]
    public void Should_parse_the_readme_s_command()
    {
        var options = GrowerOptions.Parse(["--pattern", "linear", "--rate", "1", "--duration", "60"]);

        Assert.Equal(new GrowerOptions(GrowthPattern.Linear, 1, 60, MemoryKind.Anon, 1, 0), options);
        Assert.Equal(1L << 20, options.RateBytes);
    }

    [Fact]
    public void Should_accept_equals_signs_fractions_a_leading_grow_and_any_order()
    {
        var options = GrowerOptions.Parse(["grow", "--memory=shmem", "--duration=30", "--rate=0.5", "--pattern=Sawtooth", "--period", "6", "--hold", "5"]);

        Assert.Equal(new GrowerOptions(GrowthPattern.Sawtooth, 0.5, 30, MemoryKind.Shmem, 6, 5), options);
        Assert.Equal(512L * 1024, options.RateBytes);
    }

    [Theory]
    [InlineData("oscillating", 10)]
    [InlineData("sawtooth", 10)]
    [InlineData("burst", 20)]
    [InlineData("plateau", 3)]
    public void Should_default_each_pattern_s_period(string pattern, int period) =>
        Assert.Equal(period, GrowerOptions.Parse(["--pattern", pattern, "--rate", "1", "--duration", "5"]).PeriodSeconds);

    [Theory]
    [InlineData(new[] { "--rate", "1", "--duration", "5" }, "--pattern is required")]
    [InlineData(new[] { "--pattern", "linear", "--duration", "5" }, "--rate is required")]
    [InlineData(new[] { "--pattern", "linear", "--rate", "1" }, "--duration is required")]
    [InlineData(new[] { "--pattern", "spiral", "--rate", "1", "--duration", "5" }, "--pattern 'spiral' is not one of: linear, accelerating, oscillating, burst, stable, sawtooth, plateau")]
    [InlineData(new[] { "--pattern", "linear", "--rate", "lots", "--duration", "5" }, "--rate 'lots' is not a number of MB per second")]
    [InlineData(new[] { "--pattern", "linear", "--rate", "-1", "--duration", "5" }, "--rate -1 is out of range")]
    [InlineData(new[] { "--pattern", "linear", "--rate", "0", "--duration", "5" }, "--rate 0 is out of range")]
    [InlineData(new[] { "--pattern", "linear", "--rate", "0.000001", "--duration", "5" }, "less than one page")]
    [InlineData(new[] { "--pattern", "linear", "--rate", "1", "--duration", "1.5" }, "--duration '1.5' is not a whole number of seconds")]
    [InlineData(new[] { "--pattern", "linear", "--rate", "1", "--duration", "0" }, "--duration 0 is too small: give at least 1")]
    [InlineData(new[] { "--pattern", "linear", "--rate", "1", "--duration", "5", "--memory", "heap" }, "--memory 'heap' is not one of: anon, file, shmem")]
    [InlineData(new[] { "--pattern", "linear", "--rate", "1", "--duration", "5", "--period", "4" }, "--period does not apply to --pattern linear")]
    [InlineData(new[] { "--pattern", "oscillating", "--rate", "1", "--duration", "5", "--period", "1" }, "--period 1 is too small: give at least 2")]
    [InlineData(new[] { "--pattern", "linear", "--rate", "1", "--duration", "5", "--hold", "-3" }, "--hold '-3' is not a whole number")]
    [InlineData(new[] { "--pattern", "linear", "--rate", "1", "--rate", "2", "--duration", "5" }, "--rate is given twice")]
    [InlineData(new[] { "--pattern", "linear", "--rate", "--duration", "5" }, "--rate needs a value")]
    [InlineData(new[] { "--pattern", "linear", "--rate", "1", "--duration", "5", "--speed", "3" }, "unknown option '--speed'")]
    [InlineData(new[] { "--pattern", "linear", "1" }, "unexpected argument '1'")]
    public void Should_say_what_is_wrong_with_the_arguments(string[] args, string message)
    {
        var error = Assert.Throws<ArgumentException>(() => GrowerOptions.Parse(args));
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }
}
