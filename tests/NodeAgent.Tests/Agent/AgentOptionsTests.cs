using MemGrowth.NodeAgent.Agent;
using MemGrowth.Shared.Settings;
using Xunit;

namespace MemGrowth.NodeAgent.Tests.Agent;

public sealed class AgentOptionsTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("memgrowth-options").FullName;

    [Fact]
    public void Should_read_the_shipped_config_and_let_the_command_line_win()
    {
        var options = AgentOptions.Parse(["--source", "procfs", "--interval", "500ms", "--jsonl", "-"], ShippedConfig());

        Assert.Equal(SourceKind.Procfs, options.Source);
        Assert.Equal(TimeSpan.FromMilliseconds(500), options.Interval);
        Assert.Equal("-", options.JsonlPath);
        Assert.Equal(32 * 1024, options.MinDeltaBytes);
    }

    [Fact]
    public void Should_keep_a_history_served_on_loopback_unless_told_otherwise()
    {
        var shipped = AgentOptions.Parse([], ShippedConfig());
        var none = AgentOptions.Parse(["--data-dir", "", "--api", ""], ShippedConfig());
        var elsewhere = AgentOptions.Parse(["--api", "[::1]:0"], Write("memgrowth.agent { data-dir = \"/srv/mg\"\n api = \"0.0.0.0:9000\" }"));

        Assert.Equal("/var/lib/memgrowth", shipped.DataDir);
        Assert.Equal(new ApiEndpoint("127.0.0.1", 8480), shipped.Api);
        Assert.Null(none.DataDir);
        Assert.Null(none.Api);
        Assert.Equal("/srv/mg", elsewhere.DataDir);
        Assert.Equal(new ApiEndpoint("::1", 0), elsewhere.Api);
    }

    [Fact]
    public void Should_leave_memgrowth_s_own_nodes_out_unless_asked_on_the_command_line_or_in_the_config()
    {
        Assert.False(AgentOptions.Parse([], ShippedConfig()).WatchSelf);
        Assert.True(AgentOptions.Parse(["--watch-self"], ShippedConfig()).WatchSelf);
        Assert.True(AgentOptions.Parse([], Write("memgrowth.agent { watch-self = on }")).WatchSelf);
    }

    [Fact]
    public void Should_keep_closed_leaks_90_days_unless_told_otherwise_and_never_under_2()
    {
        var shipped = AgentOptions.Parse([], ShippedConfig());
        var fortnight = AgentOptions.Parse([], Write("memgrowth.agent { history-retention = 14d }"));

        var error = Assert.Throws<ArgumentException>(() => AgentOptions.Parse([], Write("memgrowth.agent { history-retention = 1d }")));

        Assert.Equal(TimeSpan.FromDays(90), shipped.HistoryRetention);
        Assert.Equal(TimeSpan.FromDays(14), fortnight.HistoryRetention);
        Assert.Contains("memgrowth.agent.history-retention has a bad value", error.Message, StringComparison.Ordinal);
        Assert.Contains("at least 2 days", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("8480")]
    [InlineData("localhost:8480")]
    [InlineData("127.0.0.1:http")]
    [InlineData("127.0.0.1:70000")]
    [InlineData("127.0.0.1:")]
    public void Should_explain_an_api_address_that_is_not_one(string api)
    {
        var error = Assert.Throws<ArgumentException>(() => AgentOptions.Parse(["--api", api], ShippedConfig()));

        Assert.Contains($"'{api}' is not ADDRESS:PORT", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Should_reject_an_unknown_key_naming_it_and_the_known_ones()
    {
        var path = Write("memgrowth.agent { intervall = 2s }");

        var error = Assert.Throws<ArgumentException>(() => AgentOptions.Parse([], path));

        Assert.Contains("memgrowth.agent.intervall", error.Message, StringComparison.Ordinal);
        Assert.Contains("interval", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--source", "ebpf", "source must be bpf or procfs")]
    [InlineData("--interval", "fast", "is not a duration")]
    [InlineData("--interval", "10ms", "between 100 ms and 5 min")]
    [InlineData("--threshold", "1.5", "confidence-threshold must be in (0, 1]")]
    [InlineData("--min-delta", "lots", "is not a size")]
    [InlineData("--bogus", "x", "unknown option --bogus")]
    public void Should_explain_a_bad_command_line(string option, string value, string expected)
    {
        var error = Assert.Throws<ArgumentException>(() => AgentOptions.Parse([option, value], ShippedConfig()));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Should_name_the_key_with_a_bad_value()
    {
        var error = Assert.Throws<ArgumentException>(() => AgentOptions.Parse([], Write("memgrowth.agent { source = bpf\n interval = [1s] }")));

        Assert.Contains("memgrowth.agent.interval has a bad value", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Should_say_when_the_config_file_is_missing()
    {
        var error = Assert.Throws<ArgumentException>(() => AgentOptions.Parse(["--config", "/nonexistent/x.hocon"], ShippedConfig()));

        Assert.Contains("/nonexistent/x.hocon does not exist", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("32KiB", 32 * 1024)]
    [InlineData("4M", 4 << 20)]
    [InlineData("1000", 1000)]
    public void Should_parse_sizes(string text, long bytes) => Assert.Equal(bytes, AgentOptions.ParseSize(text, "x"));

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static string ShippedConfig() => Path.Combine(Probe.EventLayoutTests.RepoRoot(), "config", "memgrowth.hocon");

    private string Write(string hocon)
    {
        var path = Path.Combine(_dir, $"{Guid.NewGuid():N}.hocon");
        File.WriteAllText(path, hocon);
        return path;
    }
}
