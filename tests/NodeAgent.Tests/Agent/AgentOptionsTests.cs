using MemGrowth.NodeAgent.Agent;
using MemGrowth.Shared.Settings;
using Xunit;

namespace MemGrowth.NodeAgent.Tests.Agent;

/// <summary>The agent's config file, read and checked (the command line over it is tested with the run command).</summary>
public sealed class AgentOptionsTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("memgrowth-options").FullName;

    [Fact]
    public void Should_read_the_shipped_config()
    {
        var options = AgentOptions.Load(ShippedConfig());

        Assert.Equal(SourceKind.Bpf, options.Source);
        Assert.Equal(TimeSpan.FromSeconds(1), options.Interval);
        Assert.Equal(32 * 1024, options.MinDeltaBytes);
        Assert.Null(options.JsonlPath);
    }

    [Fact]
    public void Should_keep_a_history_served_on_loopback_unless_the_config_says_otherwise()
    {
        var shipped = AgentOptions.Load(ShippedConfig());
        var elsewhere = AgentOptions.Load(Write("memgrowth.agent { data-dir = \"/srv/mg\"\n api = \"0.0.0.0:9000\" }"));
        var none = AgentOptions.Load(Write("memgrowth.agent { data-dir = \"\"\n api = \"\" }"));

        Assert.Equal("/var/lib/memgrowth", shipped.DataDir);
        Assert.Equal(new ApiEndpoint("127.0.0.1", 8480), shipped.Api);
        Assert.Equal("/srv/mg", elsewhere.DataDir);
        Assert.Equal(new ApiEndpoint("0.0.0.0", 9000), elsewhere.Api);
        Assert.Null(none.DataDir);
        Assert.Null(none.Api);
    }

    [Fact]
    public void Should_leave_memgrowth_s_own_nodes_out_unless_the_config_asks()
    {
        Assert.False(AgentOptions.Load(ShippedConfig()).WatchSelf);
        Assert.True(AgentOptions.Load(Write("memgrowth.agent { watch-self = on }")).WatchSelf);
    }

    [Fact]
    public void Should_keep_closed_leaks_90_days_unless_told_otherwise_and_never_under_2()
    {
        var shipped = AgentOptions.Load(ShippedConfig());
        var fortnight = AgentOptions.Load(Write("memgrowth.agent { history-retention = 14d }"));

        var error = Assert.Throws<ArgumentException>(() => AgentOptions.Load(Write("memgrowth.agent { history-retention = 1d }")));

        Assert.Equal(TimeSpan.FromDays(90), shipped.HistoryRetention);
        Assert.Equal(TimeSpan.FromDays(14), fortnight.HistoryRetention);
        Assert.Contains("memgrowth.agent.history-retention has a bad value", error.Message, StringComparison.Ordinal);
        Assert.Contains("at least 2 days", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Should_reject_an_unknown_key_naming_it_and_the_known_ones()
    {
        var path = Write("memgrowth.agent { intervall = 2s }");

        var error = Assert.Throws<ArgumentException>(() => AgentOptions.Load(path));

        Assert.Contains("memgrowth.agent.intervall", error.Message, StringComparison.Ordinal);
        Assert.Contains("interval", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("source = bpf\n interval = [1s]", "memgrowth.agent.interval has a bad value")]
    [InlineData("source = ebpf", "memgrowth.agent.source has a bad value (source must be bpf or procfs (got 'ebpf'))")]
    [InlineData("api = \"8480\"", "memgrowth.agent.api has a bad value")]
    public void Should_name_the_key_with_a_bad_value(string keys, string expected)
    {
        var error = Assert.Throws<ArgumentException>(() => AgentOptions.Load(Write($"memgrowth.agent {{ {keys} }}")));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Should_refuse_settings_that_cannot_run_when_validated()
    {
        var options = AgentOptions.Load(Write("memgrowth.agent { confidence-threshold = 1.5 }"));

        var error = Assert.Throws<ArgumentException>(options.Validate);

        Assert.Contains("confidence-threshold must be in (0, 1]", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Should_say_when_the_config_file_is_missing()
    {
        var error = Assert.Throws<ArgumentException>(() => AgentOptions.Load("/nonexistent/x.hocon"));

        Assert.Contains("/nonexistent/x.hocon does not exist", error.Message, StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static string ShippedConfig() => Path.Combine(Probe.EventLayoutTests.RepoRoot(), "config", "memgrowth.hocon");

    private string Write(string hocon)
    {
        var path = Path.Combine(_dir, $"{Guid.NewGuid():N}.hocon");
        File.WriteAllText(path, hocon);
        return path;
    }
}
