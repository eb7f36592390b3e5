using System.Globalization;

namespace MemGrowth.Tools.Bench;

/// <summary>What the numbers were measured on: they mean little without it.</summary>
internal sealed record MachineInfo(string Kernel, string CpuModel, int Cores, long MemoryBytes)
{
    public static MachineInfo Read() => new(
        File.ReadAllText("/proc/sys/kernel/osrelease").Trim(), // what `uname -r` prints
        ParseCpuModel(File.ReadAllText("/proc/cpuinfo")),
        Environment.ProcessorCount,
        ParseMeminfoBytes(File.ReadAllText("/proc/meminfo"), "MemTotal") ?? 0);

    public static long? MemAvailableBytes() => ParseMeminfoBytes(File.ReadAllText("/proc/meminfo"), "MemAvailable");

    public static string ParseCpuModel(string cpuinfo)
    {
        // x86 says "model name"; arm64 kernels often publish no name, only the implementer and part.
        foreach (var key in new[] { "model name", "Hardware", "CPU part" })
        {
            foreach (var line in cpuinfo.Split('\n'))
            {
                var colon = line.IndexOf(':', StringComparison.Ordinal);
                if (colon > 0 && line[..colon].Trim() == key)
                {
                    return line[(colon + 1)..].Trim();
                }
            }
        }

        return "unknown";
    }

    public static long? ParseMeminfoBytes(string meminfo, string key)
    {
        foreach (var line in meminfo.Split('\n'))
        {
            if (line.StartsWith(key + ":", StringComparison.Ordinal))
            {
                var kib = line[(key.Length + 1)..].Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries)[0];
                return long.Parse(kib, NumberStyles.Integer, CultureInfo.InvariantCulture) * 1024;
            }
        }

        return null;
    }
}
