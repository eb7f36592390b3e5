using System.Globalization;
using System.Text;

namespace MemGrowth.NodeAgent.Sources;

/// <summary>
/// Pure parsing of /proc/PID files, straight from the bytes the kernel wrote: the procfs source reads
/// every process every second, so there is no string per line and no split.
/// </summary>
internal static class ProcfsParser
{
    private const int StatStateIndex = 0;   // field 3, counted after the comm
    private const int StatPpidIndex = 1;    // field 4
    private const int StatFlagsIndex = 6;   // field 9
    private const int StatStartIndex = 19;  // field 22

    // In ProcfsStatus's order.
    private static readonly byte[][] StatusKeys = ["VmRSS"u8.ToArray(), "RssAnon"u8.ToArray(), "RssFile"u8.ToArray(), "RssShmem"u8.ToArray(), "VmSwap"u8.ToArray()];

    /// <summary>
    /// Parses /proc/PID/stat. The comm sits in parentheses and may itself hold spaces and ')' (a process
    /// can name itself anything), so it ends at the LAST ')': every field after it is a number or the state.
    /// </summary>
    public static bool TryParseStat(ReadOnlySpan<byte> content, out ProcfsStat stat)
    {
        stat = default;
        var open = content.IndexOf((byte)'(');
        var close = content.LastIndexOf((byte)')');
        if (open <= 0 || close < open ||
            !int.TryParse(content[..open].Trim((byte)' '), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
        {
            return false;
        }

        var comm = Encoding.UTF8.GetString(content[(open + 1)..close]);
        var rest = content[(close + 1)..];
        char state = '\0';
        int ppid = 0;
        uint flags = 0;
        var index = 0;
        foreach (var range in rest.Split((byte)' '))
        {
            var field = rest[range];
            if (field.IsEmpty)
            {
                continue; // the space right after ')'
            }

            switch (index++)
            {
                case StatStateIndex:
                    state = (char)field[0];
                    break;
                case StatPpidIndex when !int.TryParse(field, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out ppid):
                    return false;
                case StatFlagsIndex when !uint.TryParse(field, NumberStyles.None, CultureInfo.InvariantCulture, out flags):
                    return false;
                case StatStartIndex:
                    if (!ulong.TryParse(field, NumberStyles.None, CultureInfo.InvariantCulture, out var start))
                    {
                        return false;
                    }

                    stat = new ProcfsStat(pid, comm, state, ppid, start, flags);
                    return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Parses the memory lines of /proc/PID/status ("VmRSS:\t  5432 kB"). Lines that are absent (kernel
    /// threads have none) read as zero.
    /// </summary>
    public static ProcfsStatus ParseStatus(ReadOnlySpan<byte> content)
    {
        Span<long> values = stackalloc long[StatusKeys.Length];
        var found = 0;
        foreach (var range in content.Split((byte)'\n'))
        {
            var line = content[range];
            var colon = line.IndexOf((byte)':');
            var slot = colon < 0 ? -1 : StatusSlot(line[..colon]);
            if (slot < 0)
            {
                continue;
            }

            values[slot] = KilobytesToBytes(line[(colon + 1)..]);
            // VmSwap is the last of them; stop before the signal masks and capability sets.
            if (++found == StatusKeys.Length)
            {
                break;
            }
        }

        return new ProcfsStatus(values[0], values[1], values[2], values[3], values[4]);
    }

    /// <summary>
    /// /proc/PID/cmdline: arguments separated by NUL, joined here with spaces. Empty for kernel threads
    /// and zombies. Trailing NULs are dropped (processes that rewrite their title pad with them).
    /// </summary>
    public static string ParseCmdline(ReadOnlySpan<byte> content)
    {
        content = content.TrimEnd((byte)0);
        if (content.IsEmpty)
        {
            return "";
        }

        var text = Encoding.UTF8.GetString(content);
        return text.Replace('\0', ' ');
    }

    private static int StatusSlot(ReadOnlySpan<byte> key)
    {
        for (var i = 0; i < StatusKeys.Length; i++)
        {
            if (key.SequenceEqual(StatusKeys[i]))
            {
                return i;
            }
        }

        return -1;
    }

    private static long KilobytesToBytes(ReadOnlySpan<byte> value)
    {
        value = value.Trim("\t "u8);
        var space = value.IndexOf((byte)' ');
        var digits = space < 0 ? value : value[..space];
        return long.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var kb) ? kb * 1024 : 0;
    }
}
