using System.Globalization;
using MemGrowth.Shared.Growth;

namespace MemGrowth.Shared.Messages;

/// <summary>
/// Names one leaking process across the fleet: its host, pid and start time (kernel ticks), so a pid
/// reused on the same host, or the same pid on another host, is another leak. The text form
/// ("host/pid/ticks") is the sharded entity's id and the persistence id's suffix.
/// </summary>
public readonly record struct LeakId(string Host, int Pid, ulong StartTicks)
{
    public static LeakId Of(Detection detection)
    {
        ArgumentNullException.ThrowIfNull(detection);
        return new LeakId(detection.Process.Host, detection.Process.Key.Pid, detection.Process.Key.StartTicks);
    }

    public ProcessKey Process => new(Pid, StartTicks);

    /// <exception cref="FormatException">The text is not "host/pid/ticks".</exception>
    public static LeakId Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var last = text.LastIndexOf('/');
        var middle = last > 0 ? text.LastIndexOf('/', last - 1) : -1;
        if (middle <= 0
            || !int.TryParse(text.AsSpan(middle + 1, last - middle - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var pid)
            || !ulong.TryParse(text.AsSpan(last + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var ticks))
        {
            throw new FormatException($"'{text}' is not a leak id: expected host/pid/start-ticks, e.g. web-1/4242/599433");
        }

        return new LeakId(text[..middle], pid, ticks);
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Host}/{Pid}/{StartTicks}");
}
