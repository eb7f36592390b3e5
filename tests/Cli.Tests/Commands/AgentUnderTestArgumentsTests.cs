using MemGrowth.Cli.Commands;
using MemGrowth.NodeAgent.Agent;
using MemGrowth.Validation.Run;
using Xunit;

namespace MemGrowth.Cli.Tests.Commands;

/// <summary>
/// The agent `validate` and the benchmarks start is `memgrowth run` with their arguments, which the real parser
/// must take: an option given twice is refused, so an extra argument replaces the default it names.
/// </summary>
public sealed class AgentUnderTestArgumentsTests
{
    [Fact]
    public void Validates_agent_without_history_parses_with_its_trace_and_none_of_the_defaults_it_replaced()
    {
        var options = MemgrowthCommand.Parse<AgentOptions>(AgentUnderTest.Arguments("bpf", "/tmp/agent-1-bpf", ["--trace", "/tmp/trace.csv", "--data-dir", "", "--api", ""]));

        Assert.Null(options.DataDir);
        Assert.Null(options.Api);
        Assert.Equal("/tmp/trace.csv", options.TracePath);
        Assert.Equal("/tmp/agent-1-bpf.jsonl", options.JsonlPath);
    }

    [Fact]
    public void The_benchmarks_agent_keeps_its_history_and_api()
    {
        var options = MemgrowthCommand.Parse<AgentOptions>(AgentUnderTest.Arguments("procfs", "/tmp/agent-2-procfs", []));

        Assert.Equal("/tmp/agent-2-procfs.history", options.DataDir);
        Assert.NotNull(options.Api);
        Assert.Equal(SourceKind.Procfs, options.Source);
    }
}
