using MemGrowth.Shared.Settings;
using Xunit;

namespace MemGrowth.Shared.Tests.Settings;

/// <summary>What Akka's HOCON parser lets through (unmatched braces) is an error naming the line.</summary>
public sealed class HoconFileTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("memgrowth-hocon").FullName;

    [Theory]
    [InlineData("memgrowth.agent {\n  source = procfs\n", "the '{' opened at line 1 is not closed")]
    [InlineData("memgrowth.agent {\n  source = procfs\n}}\nakka.loglevel = DEBUG\n", "'}' at line 3 closes nothing")]
    [InlineData("a {\n  b = [1, 2}\n", "'}' at line 2 does not close the '[' opened at line 2")]
    [InlineData("a {\n  b = \"unclosed\n}\n", "the \" string opened at line 2 is not closed on its line")]
    public void Should_refuse_an_unmatched_brace_naming_the_file_and_line(string text, string fault)
    {
        var path = Write(text);

        var e = Assert.Throws<ArgumentException>(() => HoconFile.Load(path, "config file"));

        Assert.Equal($"config file {path} is not valid HOCON: {fault}", e.Message);
    }

    /// <summary>Why the check exists (docs/storage-faults.md): Akka's own parser takes both faults without a word.</summary>
    [Fact]
    public void Akka_s_parser_accepts_an_unclosed_brace_and_drops_what_follows_a_stray_one()
    {
        var unclosed = Akka.Configuration.ConfigurationFactory.ParseString("memgrowth.agent {\n  source = procfs\n");
        var stray = Akka.Configuration.ConfigurationFactory.ParseString("a = 1\n}\nb = 2\n");

        Assert.Equal("procfs", unclosed.GetString("memgrowth.agent.source"));
        Assert.Equal(1, stray.GetInt("a"));
        Assert.False(stray.HasPath("b"));
    }

    [Fact]
    public void Should_not_count_braces_in_strings_comments_and_substitutions()
    {
        const string TripleQuote = "\"\"\"";
        var path = Write(
            "# a comment with { and [\n" +
            "// another }\n" +
            "a {\n" +
            "  b = \"a } in a string \\\" and an escaped quote {\"\n" +
            "  c = ${a.b}\n" +
            $"  d = {TripleQuote}a triple-quoted\nstring with }} and {{{TripleQuote}\n" +
            "  e = [1, 2]\n" +
            "}\n");

        var config = HoconFile.Load(path, "config file");

        Assert.Equal("a } in a string \" and an escaped quote {", config.GetString("a.b"));
        Assert.Equal([1, 2], config.GetIntList("a.e"));
    }

    [Theory]
    [InlineData("memgrowth.hocon")]
    [InlineData("fleet.hocon")]
    public void Should_accept_the_shipped_config(string name)
    {
        Assert.Null(HoconFile.Unbalanced(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "config", name))));
    }

    private string Write(string text)
    {
        var path = Path.Combine(_dir, $"{Guid.NewGuid():N}.hocon");
        File.WriteAllText(path, text);
        return path;
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
