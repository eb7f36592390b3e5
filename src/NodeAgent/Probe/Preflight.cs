using MemGrowth.NodeAgent.Probe.Native;

namespace MemGrowth.NodeAgent.Probe;

/// <summary>
/// Checks made before touching libbpf, each failing with a sentence that says how to fix it: the
/// verifier's own message for these cases is a wall of text nobody should have to read.
/// </summary>
internal static class Preflight
{
    private const int CapSysAdmin = 21;
    private const int CapPerfmon = 38;
    private const int CapBpf = 39;

    public static void Check(string objectPath)
    {
        CheckPrivileges();
        if (!File.Exists("/sys/kernel/btf/vmlinux"))
        {
            throw new ProbeException("preflight", 2,
                "the kernel publishes no BTF (/sys/kernel/btf/vmlinux is missing): use a kernel built with CONFIG_DEBUG_INFO_BTF=y (≥ 5.13), or run with --source procfs");
        }

        if (!File.Exists(objectPath))
        {
            throw new ProbeException("preflight", 2,
                $"the compiled probe is missing at {objectPath}: build with ./memgrowth build (needs clang and bpftool)");
        }

        CheckLibbpf();
    }

    /// <summary>CapEff from /proc/self/status, as a bit set.</summary>
    public static ulong EffectiveCapabilities(string status)
    {
        foreach (var line in status.Split('\n'))
        {
            if (line.StartsWith("CapEff:", StringComparison.Ordinal))
            {
                return Convert.ToUInt64(line["CapEff:".Length..].Trim(), 16);
            }
        }

        return 0;
    }

    public static bool CanLoadTracing(ulong caps) =>
        Has(caps, CapSysAdmin) || (Has(caps, CapBpf) && Has(caps, CapPerfmon));

    private static bool Has(ulong caps, int bit) => (caps & (1UL << bit)) != 0;

    private static void CheckPrivileges()
    {
        var caps = EffectiveCapabilities(File.ReadAllText("/proc/self/status"));
        if (!CanLoadTracing(caps))
        {
            throw new ProbeException("preflight", 1,
                $"loading the eBPF probe needs root, or CAP_BPF and CAP_PERFMON (effective capabilities: {caps:x}, uid {Libc.GetEuid()}): run with sudo, or with --source procfs");
        }
    }

    private static void CheckLibbpf()
    {
        try
        {
            _ = Libbpf.NumPossibleCpus();
        }
        catch (DllNotFoundException)
        {
            throw new ProbeException("preflight", 2,
                "libbpf.so.1 is not installed: apt-get install libbpf1 (Debian/Ubuntu) or dnf install libbpf");
        }
    }

    /// <summary>
    /// tp_btf programs do not need tracefs, but operators' tools (and the classic tracepoint) do; mount
    /// it when missing and we may. Returns whether the rss_stat tracepoint is listed.
    /// </summary>
    public static bool EnsureTracefs(Action<string> log)
    {
        const string root = "/sys/kernel/tracing";
        if (!Directory.Exists(Path.Combine(root, "events")))
        {
            try
            {
                var info = new System.Diagnostics.ProcessStartInfo("mount", ["-t", "tracefs", "nodev", root])
                {
                    RedirectStandardOutput = true,
                    RedirectStandardError = true,
                };
                using var mount = System.Diagnostics.Process.Start(info)!;
                var error = mount.StandardError.ReadToEnd();
                mount.WaitForExit();
                if (mount.ExitCode != 0)
                {
                    log($"tracefs is not mounted and mounting it failed ({error.Trim()}); the probe does not need it");
                }
            }
            catch (System.ComponentModel.Win32Exception e)
            {
                log($"tracefs is not mounted and mounting it failed ({e.Message}); the probe does not need it");
            }
        }

        return File.Exists(Path.Combine(root, "events/kmem/rss_stat/format"));
    }

    /// <summary>Whether tracefs lists a tracepoint ("oom/mark_victim"): classic tracepoints attach through it.</summary>
    public static bool HasTracepoint(string categoryAndName) =>
        File.Exists(Path.Combine("/sys/kernel/tracing/events", categoryAndName, "id"))
        || File.Exists(Path.Combine("/sys/kernel/debug/tracing/events", categoryAndName, "id"));
}
