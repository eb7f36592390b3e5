using MemGrowth.Tools.Bench;
using Xunit;

namespace MemGrowth.Tools.Tests.Bench;

public sealed class MachineInfoTests
{
    [Fact]
    public void Should_read_the_cpu_model_from_x86_and_arm64_cpuinfo()
    {
        Assert.Equal("AMD EPYC 7B13", MachineInfo.ParseCpuModel("processor\t: 0\nvendor_id\t: AuthenticAMD\nmodel name\t: AMD EPYC 7B13\n"));
        Assert.Equal("0xd0c", MachineInfo.ParseCpuModel("processor\t: 0\nCPU implementer\t: 0x41\nCPU part\t: 0xd0c\n"));
        Assert.Equal("unknown", MachineInfo.ParseCpuModel(""));
    }

    [Fact]
    public void Should_read_meminfo_in_bytes()
    {
        const string Meminfo = "MemTotal:       24576000 kB\nMemFree:        1000 kB\nMemAvailable:   20000000 kB\n";
        Assert.Equal(24576000L * 1024, MachineInfo.ParseMeminfoBytes(Meminfo, "MemTotal"));
        Assert.Equal(20000000L * 1024, MachineInfo.ParseMeminfoBytes(Meminfo, "MemAvailable"));
        Assert.Null(MachineInfo.ParseMeminfoBytes(Meminfo, "SwapTotal"));
    }

    [Fact]
    public void Should_describe_this_machine()
    {
        var m = MachineInfo.Read();
        Assert.False(string.IsNullOrEmpty(m.Kernel));
        Assert.True(m.Cores > 0 && m.MemoryBytes > 0);
    }
}
