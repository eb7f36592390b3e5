using MemGrowth.NodeAgent.Probe;
using MemGrowth.NodeAgent.Probe.Native;

namespace MemGrowth.NodeAgent.Tests.Kernel;

/// <summary>
/// Kernel tests run for real, always: when the machine cannot run them they fail with a sentence that
/// says how to get what is missing (never a silent skip).
/// </summary>
internal static class KernelRequirement
{
    public static void Require()
    {
        if (Libc.GetEuid() != 0)
        {
            throw new InvalidOperationException("this test loads the eBPF probe and creates cgroups: run the suite as root (sudo ./memgrowth test)");
        }

        if (!File.Exists("/sys/kernel/btf/vmlinux"))
        {
            throw new InvalidOperationException("this kernel has no BTF (/sys/kernel/btf/vmlinux): the probe needs a kernel ≥ 5.8 built with CONFIG_DEBUG_INFO_BTF");
        }

        var probe = new ProbeSettings().ObjectPath;
        if (!File.Exists(probe))
        {
            throw new InvalidOperationException($"the probe object {probe} was not built: ./memgrowth build (needs clang, bpftool)");
        }
    }
}
