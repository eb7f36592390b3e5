using System.IO.Compression;

namespace MemGrowth.NodeAgent.Probe;

/// <summary>
/// The kernel's tick rate (CONFIG_HZ), so the probe's interval can be expressed in jiffies: the only
/// clock cheap enough to read on every rss_stat hit. Read from the kernel config when it is published,
/// else measured from /proc/timer_list.
/// </summary>
internal static class KernelHz
{
    public static int Detect()
    {
        foreach (var candidate in new[] { "/proc/config.gz", $"/boot/config-{Environment.OSVersion.Version}", BootConfigPath() })
        {
            var hz = TryReadConfig(candidate);
            if (hz is not null)
            {
                return hz.Value;
            }
        }

        return Measure() ?? 250;
    }

    public static int? ParseConfig(TextReader config)
    {
        while (config.ReadLine() is { } line)
        {
            if (line.StartsWith("CONFIG_HZ=", StringComparison.Ordinal) &&
                int.TryParse(line.AsSpan("CONFIG_HZ=".Length), out var hz) && hz > 0)
            {
                return hz;
            }
        }

        return null;
    }

    private static string BootConfigPath()
    {
        var release = File.Exists("/proc/sys/kernel/osrelease") ? File.ReadAllText("/proc/sys/kernel/osrelease").Trim() : "";
        return $"/boot/config-{release}";
    }

    private static int? TryReadConfig(string path)
    {
        try
        {
            if (!File.Exists(path))
            {
                return null;
            }

            using var file = File.OpenRead(path);
            using Stream stream = path.EndsWith(".gz", StringComparison.Ordinal) ? new GZipStream(file, CompressionMode.Decompress) : file;
            using var reader = new StreamReader(stream);
            return ParseConfig(reader);
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static int? Measure()
    {
        var first = ReadTimerList();
        Thread.Sleep(200);
        var second = ReadTimerList();
        if (first is null || second is null || second.Value.NowNs <= first.Value.NowNs)
        {
            return null;
        }

        var rate = (second.Value.Jiffies - first.Value.Jiffies) * 1e9 / (second.Value.NowNs - first.Value.NowNs);
        // Round to the rates kernels are built with.
        return new[] { 100, 250, 300, 1000 }.MinBy(hz => Math.Abs(hz - rate));
    }

    private static (long NowNs, long Jiffies)? ReadTimerList()
    {
        try
        {
            long? now = null, jiffies = null;
            foreach (var line in File.ReadLines("/proc/timer_list"))
            {
                if (now is null && line.StartsWith("now at ", StringComparison.Ordinal))
                {
                    now = long.Parse(line.AsSpan(7, line.IndexOf(' ', 7) - 7));
                }
                else if (jiffies is null && line.StartsWith("jiffies: ", StringComparison.Ordinal))
                {
                    jiffies = long.Parse(line.AsSpan(9));
                }

                if (now is not null && jiffies is not null)
                {
                    return (now.Value, jiffies.Value);
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
        {
        }

        return null;
    }
}
