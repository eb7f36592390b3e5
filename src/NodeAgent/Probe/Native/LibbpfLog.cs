using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;

namespace MemGrowth.NodeAgent.Probe.Native;

/// <summary>Routes libbpf's printf-style log into an <see cref="ILogger"/>, filtered by its level.</summary>
internal static unsafe class LibbpfLog
{
    private static ILogger? s_logger;

    public static void RouteTo(ILogger logger)
    {
        s_logger = logger;
        Libbpf.SetPrint(&Print);
    }

    [UnmanagedCallersOnly]
    private static int Print(int level, IntPtr format, IntPtr args)
    {
        var logger = s_logger;
        // libbpf levels: 0 warn, 1 info, 2 debug.
        var logLevel = level switch { 0 => LogLevel.Warning, 1 => LogLevel.Debug, _ => LogLevel.Trace };
        if (logger is null || !logger.IsEnabled(logLevel))
        {
            return 0;
        }

        const int size = 4096;
        var buffer = stackalloc byte[size];
        var written = Libc.VsnPrintf(buffer, size, format, args);
        if (written <= 0)
        {
            return 0;
        }

        var text = System.Text.Encoding.UTF8.GetString(buffer, Math.Min(written, size - 1)).TrimEnd('\n');
        logger.Log(logLevel, "libbpf: {Message}", text);
        return 0;
    }
}
