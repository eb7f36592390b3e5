using MemGrowth.Validation.Run;

namespace MemGrowth.Tools.Bench;

/// <summary>
/// kernel.bpf_stats_enabled, switched for a measurement and put back as it was: with it on, the kernel
/// reads the clock twice around every program run, which would inflate the storm's cost.
/// </summary>
internal sealed class BpfStatsSetting : IDisposable
{
    private const string SysctlPath = "/proc/sys/kernel/bpf_stats_enabled";

    private readonly string _original;

    private BpfStatsSetting(string original) => _original = original;

    public static BpfStatsSetting Capture()
    {
        try
        {
            return new BpfStatsSetting(File.ReadAllText(SysctlPath).Trim());
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new BenchmarkException($"cannot read {SysctlPath} ({e.Message}): the kernel needs CONFIG_BPF_SYSCALL");
        }
    }

    public static void Set(bool enabled)
    {
        try
        {
            File.WriteAllText(SysctlPath, enabled ? "1" : "0");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new BenchmarkException($"cannot write {SysctlPath} ({e.Message}): run the benchmark as root");
        }
    }

    public void Dispose()
    {
        try
        {
            File.WriteAllText(SysctlPath, _original);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"[bench] could not restore kernel.bpf_stats_enabled={_original}: {e.Message}");
        }
    }
}
