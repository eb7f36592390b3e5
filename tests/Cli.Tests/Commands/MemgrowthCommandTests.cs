using System.CommandLine;
using MemGrowth.Cli.Commands;
using Xunit;

namespace MemGrowth.Cli.Tests.Commands;

/// <summary>The command line as a whole: help and version on every command, and errors as one line with exit 2.</summary>
public sealed class MemgrowthCommandTests
{
    /// <summary>Every command's path below the root: "run", "bench overhead", ...</summary>
    public static TheoryData<string> Commands()
    {
        var paths = new TheoryData<string>();
        void Walk(Command command, string path)
        {
            foreach (var sub in command.Subcommands)
            {
                var subPath = path.Length == 0 ? sub.Name : $"{path} {sub.Name}";
                paths.Add(subPath);
                Walk(sub, subPath);
            }
        }

        Walk(MemgrowthCommand.Create(), "");
        return paths;
    }

    [Fact]
    public async Task Should_print_the_version()
    {
        var (code, output, error) = await InvokeAsync("--version");

        Assert.Equal(0, code);
        Assert.Matches(@"^\d+\.\d+\.\d+", output);
        Assert.Empty(error);
    }

    [Fact]
    public async Task Should_list_every_command_without_one_and_with_help()
    {
        var (bare, withoutCommand, _) = await InvokeAsync();
        var (help, withHelp, _) = await InvokeAsync("-h");

        Assert.Equal((0, 0), (bare, help));
        Assert.Equal(withHelp, withoutCommand);
        Assert.All(["run", "status", "grow", "bench", "validate", "leaks", "agent", "analytics"], verb => Assert.Contains($"  {verb} ", withHelp, StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Commands))]
    public async Task Should_give_each_command_s_help_naming_its_options(string path)
    {
        var command = Find(path);

        foreach (var help in new[] { "--help", "-h" })
        {
            var (code, output, error) = await InvokeAsync([.. path.Split(' '), help]);

            Assert.Equal(0, code);
            Assert.Empty(error);
            Assert.Contains($" {path} [", output, StringComparison.Ordinal); // the usage line, after the executable's name
            Assert.All(command.Options.Where(o => !o.Hidden), o => Assert.Contains(o.Name, output, StringComparison.Ordinal));
            Assert.All(command.Subcommands, c => Assert.Contains(c.Name, output, StringComparison.Ordinal));
            if (command is IHasHelpDetails details)
            {
                Assert.Contains(details.HelpDetails, output, StringComparison.Ordinal);
            }
        }
    }

    [Theory]
    [InlineData("run --intervall 2s", "memgrowth: Unrecognized command or argument '--intervall'")]
    [InlineData("leaks --bogus", "memgrowth: Unrecognized command or argument '--bogus'")]
    [InlineData("bench ingest --warmup 5", "memgrowth: Unrecognized command or argument '--warmup'")]
    [InlineData("spiral", "memgrowth: Unrecognized command or argument 'spiral'")]
    [InlineData("bench", "memgrowth: Required command was not provided")]
    public async Task Should_refuse_an_unknown_option_or_command_in_one_line_with_exit_2(string args, string message)
    {
        var (code, output, error) = await InvokeAsync(args.Split(' '));

        Assert.Equal(2, code);
        Assert.Empty(output);
        Assert.StartsWith(message, error, StringComparison.Ordinal);
        Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Theory]
    [InlineData(new[] { "run", "--interval", "5 min" }, "--interval: '5 min' is not a duration: give a number with ms, s, m, h or d (500ms, 1.5s, 5m, 24h, 7d); a bare number is seconds")]
    [InlineData(new[] { "leaks", "--since", "yesterday" }, "--since: 'yesterday' is not a duration: give a number with ms, s, m, h or d")]
    [InlineData(new[] { "grow", "--pattern", "linear", "--rate", "1", "--duration", "soon" }, "--duration: 'soon' is not a duration: give a number with ms, s, m, h or d")]
    [InlineData(new[] { "run", "--min-delta", "32kb" }, "--min-delta: '32kb' is not a size: give a whole number of bytes, or with KiB, MiB, GiB (also k, K, M, G: powers of 1024)")]
    public async Task Should_say_which_option_has_a_bad_duration_or_size_and_what_it_accepts(string[] args, string message)
    {
        var (code, _, error) = await InvokeAsync(args);

        Assert.Equal(2, code);
        Assert.StartsWith($"memgrowth: {message}", error, StringComparison.Ordinal);
        Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public async Task Should_refuse_a_bad_config_file_in_one_line_with_exit_2()
    {
        var (code, _, error) = await InvokeAsync("run", "--config", "/nonexistent/memgrowth.hocon");

        Assert.Equal(2, code);
        Assert.Equal("memgrowth: config file /nonexistent/memgrowth.hocon does not exist", error.TrimEnd('\n'));
    }

    private static Command Find(string path) =>
        path.Split(' ').Aggregate((Command)MemgrowthCommand.Create(), (command, name) => command.Subcommands.Single(c => c.Name == name));

    private static async Task<(int Code, string Output, string Error)> InvokeAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await MemgrowthCommand.InvokeAsync(args, output, error, CancellationToken.None);
        return (code, output.ToString(), error.ToString());
    }
}
