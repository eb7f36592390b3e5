using MemGrowth.Cli.Commands;
using MemGrowth.NodeAgent.Agent;
using Xunit;

namespace MemGrowth.Cli.Tests.Commands;

/// <summary>`memgrowth agent`: run's flags, a fleet config, and no history of its own.</summary>
public sealed class AgentCommandTests
{
    [Fact]
    public void Should_join_the_fleet_with_run_s_flags_and_keep_no_history()
    {
        var options = Agent("--source", "procfs", "--interval", "2s");

        Assert.NotNull(options.Fleet);
        Assert.Equal((SourceKind.Procfs, TimeSpan.FromSeconds(2)), (options.Source, options.Interval));
        Assert.Null(options.DataDir);
        Assert.Null(options.Api);
    }

    [Theory]
    [InlineData("--data-dir")]
    [InlineData("--api")]
    public void Should_refuse_a_standalone_node_s_history_options_with_the_reason(string option)
    {
        var error = Assert.Throws<ArgumentException>(() => Agent(option, "x"));

        Assert.StartsWith($"{option} is for a standalone node's history; a fleet agent's history lives on the analytics nodes", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Should_say_when_the_fleet_config_is_missing() =>
        Assert.Contains("/nonexistent/fleet.hocon does not exist",
            Assert.Throws<ArgumentException>(() => MemgrowthCommand.Parse<AgentOptions>("agent", "--fleet-config", "/nonexistent/fleet.hocon")).Message,
            StringComparison.Ordinal);

    private static AgentOptions Agent(params string[] args) => MemgrowthCommand.Parse<AgentOptions>(
        ["agent", "--fleet-config", ShippedConfig.Path("fleet.hocon"), "--config", ShippedConfig.Path("memgrowth.hocon"), .. args]);
}
