using MemGrowth.Cli.Commands;
using MemGrowth.NodeAgent.Agent;
using Xunit;

namespace MemGrowth.Cli.Tests.Commands;

/// <summary>`memgrowth run`'s command line over its config file, through the real parser.</summary>
public sealed class RunCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("memgrowth-run-options").FullName;

    [Fact]
    public void Should_read_the_shipped_config_and_let_the_command_line_win()
    {
        var options = Run("--source", "procfs", "--interval", "500ms", "--jsonl", "-");

        Assert.Equal(SourceKind.Procfs, options.Source);
        Assert.Equal(TimeSpan.FromMilliseconds(500), options.Interval);
        Assert.Equal("-", options.JsonlPath);
        Assert.Equal(32 * 1024, options.MinDeltaBytes);
    }

    [Fact]
    public void Should_let_the_command_line_win_over_a_config_that_sets_the_same_keys()
    {
        var config = Write("memgrowth.agent { source = procfs\n interval = 2s\n min-delta = 64KiB\n watch-self = off }");

        var options = MemgrowthCommand.Parse<AgentOptions>("run", "--config", config, "--source", "bpf", "--min-delta", "4M", "--watch-self");
        var fromFile = MemgrowthCommand.Parse<AgentOptions>("run", "--config", config);

        Assert.Equal((SourceKind.Bpf, TimeSpan.FromSeconds(2), 4L << 20, true), (options.Source, options.Interval, options.MinDeltaBytes, options.WatchSelf));
        Assert.Equal((SourceKind.Procfs, 64L << 10, false), (fromFile.Source, fromFile.MinDeltaBytes, fromFile.WatchSelf));
    }

    [Fact]
    public void Should_take_every_flag()
    {
        var options = Run("--threshold", "0.8", "--max-processes", "4k", "--status-file", "/tmp/s.json", "--duration", "1.5m",
            "--trace", "t.csv", "--quiet", "--data-dir", "/srv/mg", "--api", "0.0.0.0:9000");

        Assert.Equal((0.8, 4096u, "/tmp/s.json", TimeSpan.FromSeconds(90), "t.csv", true, "/srv/mg", new ApiEndpoint("0.0.0.0", 9000)),
            (options.ConfidenceThreshold, options.MaxProcesses, options.StatusFile, options.Duration, options.TracePath, options.Quiet, options.DataDir, options.Api));
    }

    [Fact]
    public void Should_keep_a_history_served_on_loopback_unless_told_otherwise()
    {
        var shipped = Run();
        var none = Run("--data-dir", "", "--api", "", "--status-file", "");
        var elsewhere = MemgrowthCommand.Parse<AgentOptions>("run", "--config", Write("memgrowth.agent { data-dir = \"/srv/mg\"\n api = \"0.0.0.0:9000\" }"), "--api", "[::1]:0");

        Assert.Equal("/var/lib/memgrowth", shipped.DataDir);
        Assert.Equal(new ApiEndpoint("127.0.0.1", 8480), shipped.Api);
        Assert.Null(none.DataDir);
        Assert.Null(none.Api);
        Assert.Null(none.StatusFile);
        Assert.Equal("/srv/mg", elsewhere.DataDir);
        Assert.Equal(new ApiEndpoint("::1", 0), elsewhere.Api);
    }

    [Fact]
    public void Should_leave_memgrowth_s_own_nodes_out_unless_asked()
    {
        Assert.False(Run().WatchSelf);
        Assert.True(Run("--watch-self").WatchSelf);
    }

    [Theory]
    [InlineData("8480")]
    [InlineData("localhost:8480")]
    [InlineData("127.0.0.1:http")]
    [InlineData("127.0.0.1:70000")]
    [InlineData("127.0.0.1:")]
    public void Should_explain_an_api_address_that_is_not_one(string api)
    {
        var error = Assert.Throws<ArgumentException>(() => Run("--api", api));

        Assert.StartsWith($"--api: '{api}' is not ADDRESS:PORT", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--source", "ebpf", "--source: source must be bpf or procfs (got 'ebpf')")]
    [InlineData("--interval", "fast", "--interval: 'fast' is not a duration: give a number with ms, s, m, h or d")]
    [InlineData("--interval", "10ms", "between 100 ms and 5 min")]
    [InlineData("--duration", "-5s", "--duration: '-5s' is not a duration")]
    [InlineData("--threshold", "1.5", "confidence-threshold must be in (0, 1]")]
    [InlineData("--threshold", "high", "--threshold: 'high' is not a number")]
    [InlineData("--min-delta", "lots", "--min-delta: 'lots' is not a size: give a whole number of bytes, or with KiB, MiB, GiB")]
    [InlineData("--max-processes", "8G", "--max-processes: '8G' is more than 4294967295")]
    [InlineData("--bogus", "x", "Unrecognized command or argument '--bogus'")]
    public void Should_explain_a_bad_command_line(string option, string value, string expected)
    {
        var error = Assert.Throws<ArgumentException>(() => Run(option, value));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Should_say_which_option_lacks_its_value() =>
        Assert.Contains("'--jsonl'", Assert.Throws<ArgumentException>(() => Run("--jsonl")).Message, StringComparison.Ordinal);

    [Fact]
    public void Should_say_when_the_config_file_is_missing()
    {
        var error = Assert.Throws<ArgumentException>(() => MemgrowthCommand.Parse<AgentOptions>("run", "--config", "/nonexistent/x.hocon"));

        Assert.Contains("/nonexistent/x.hocon does not exist", error.Message, StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>`memgrowth run` with the shipped config and <paramref name="args"/>.</summary>
    private static AgentOptions Run(params string[] args) =>
        MemgrowthCommand.Parse<AgentOptions>(["run", "--config", ShippedConfig.Path("memgrowth.hocon"), .. args]);

    private string Write(string hocon)
    {
        var path = Path.Combine(_dir, $"{Guid.NewGuid():N}.hocon");
        File.WriteAllText(path, hocon);
        return path;
    }
}
