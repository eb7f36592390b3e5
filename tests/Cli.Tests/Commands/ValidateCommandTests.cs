using MemGrowth.Cli.Commands;
using MemGrowth.Validation.Runner;
using Xunit;

namespace MemGrowth.Cli.Tests.Commands;

/// <summary>`memgrowth validate`'s options, through the real parser.</summary>
public sealed class ValidateCommandTests
{
    [Fact]
    public void Should_default_to_the_full_corpus_into_docs_validation()
    {
        var options = Parse();

        Assert.Equal(new ValidateOptions(false, 1, 4, 12, "docs/validation"), options);
    }

    [Fact]
    public void Should_take_the_quick_subset_its_own_output_and_more_at_once()
    {
        var options = Parse("--quick", "--seed", "7");

        Assert.True(options.Quick);
        Assert.Equal(7, options.Seed);
        Assert.Equal(12, options.Concurrency);
        Assert.Equal("validation-quick", options.OutputDirectory);
    }

    [Fact]
    public void Should_replay_a_recording_and_explain_one_process()
    {
        var options = Parse("--replay", "docs/validation/traces.jsonl.gz", "--explain", "4242");

        Assert.Equal("docs/validation/traces.jsonl.gz", options.Replay);
        Assert.Equal(4242, options.Explain);
        Assert.Equal("validation-replay", options.OutputDirectory);
    }

    [Fact]
    public void Should_refuse_explain_without_a_recording()
    {
        var error = Assert.Throws<ArgumentException>(() => Parse("--explain", "42"));

        Assert.Contains("--replay", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--variants", "0")]
    [InlineData("--seed", "x")]
    [InlineData("--fast", null)]
    [InlineData("--out", null)]
    public void Should_refuse_bad_arguments_naming_the_option(string name, string? value)
    {
        string[] args = value is null ? [name] : [name, value];

        var error = Assert.Throws<ArgumentException>(() => Parse(args));

        Assert.Contains(name, error.Message, StringComparison.Ordinal);
    }

    private static ValidateOptions Parse(params string[] args) => MemgrowthCommand.Parse<ValidateOptions>(["validate", .. args]);
}
