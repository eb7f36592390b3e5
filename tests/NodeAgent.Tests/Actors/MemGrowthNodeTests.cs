using MemGrowth.NodeAgent.Actors;
using Xunit;

namespace MemGrowth.NodeAgent.Tests.Actors;

public sealed class MemGrowthNodeTests
{
    [Theory]
    [InlineData("memgrowth", "/usr/local/bin/memgrowth run --source procfs", true)]
    [InlineData("memgrowth", "memgrowth agent", true)]
    [InlineData("memgrowth", "./src/NodeAgent/bin/Release/net10.0/memgrowth analytics --config /etc/memgrowth/fleet.hocon", true)]
    [InlineData("dotnet", "dotnet /opt/memgrowth/memgrowth.dll analytics", true)]
    [InlineData("memgrowth", "memgrowth grow --pattern linear --rate 1", false)]
    [InlineData("memgrowth", "memgrowth validate --quick", false)]
    [InlineData("memgrowth", "memgrowth", false)]
    [InlineData("memgrowth", "", false)]
    [InlineData("python3", "python3 memgrowth run", false)]
    [InlineData("dotnet", "dotnet other.dll run", false)]
    [InlineData("myapp", "/usr/bin/memgrowth run", false)]
    public void Should_tell_memgrowth_s_own_roles_from_other_processes(string comm, string cmdline, bool node) =>
        Assert.Equal(node, MemGrowthNode.Is(comm, cmdline));
}
