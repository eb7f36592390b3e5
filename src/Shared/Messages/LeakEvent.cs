using System.Text.Json.Serialization;
using MemGrowth.Shared.Growth;

namespace MemGrowth.Shared.Messages;

/// <summary>How a leak's process ended.</summary>
public enum LeakEnd
{
    /// <summary>The process exited while its leak was open.</summary>
    Exited,

    /// <summary>The kernel's OOM killer took the process while its leak was open.</summary>
    OomKilled,
}

/// <summary>What one report of the agent said about a leak (a growth_detected or growth_updated).</summary>
public sealed record LeakReport(
    DateTimeOffset Time,
    GrowthPattern Pattern,
    double BytesPerSecond,
    double Confidence,
    long RssBytes,
    long? MemoryLimitBytes,
    double? SecondsToLimit)
{
    public static LeakReport Of(Detection d)
    {
        ArgumentNullException.ThrowIfNull(d);
        return new LeakReport(d.Time, d.Growth.Pattern, d.Growth.BytesPerSecond, d.Growth.Confidence, d.Memory.RssBytes, d.Limit.Bytes, d.Limit.SecondsToLimit);
    }
}

/// <summary>
/// The journal of one leak entity: what happened to the leak, in order. Every event is journaled and can
/// cross the network, so each has a stable manifest (see <see cref="MessageSerializer"/>): renaming a type or
/// a field is a new manifest version, never an edit of an old one.
/// </summary>
public abstract record LeakEvent(LeakId Leak, DateTimeOffset Time);

/// <summary>The first detection of this process's growth: the leak is suspected.</summary>
/// <param name="Service">The service key the leak aggregates under (container image or cgroup service, else the executable).</param>
/// <param name="Samples">The samples behind the detection (see <see cref="Detection.Samples"/>): journaled, kept out of the leak's state.</param>
public sealed record LeakOpened(
    LeakId Leak,
    DateTimeOffset Time,
    DateTimeOffset ProcessStarted,
    string Comm,
    string Cmdline,
    string? Cgroup,
    string? ContainerId,
    string Service,
    DateTimeOffset GrowthStarted,
    LeakReport Report,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] MemorySamples Samples = default) : LeakEvent(Leak, Time);

/// <summary>A later report about an open leak (growth_updated), or a detection that reopens a resolved one.</summary>
/// <param name="Samples">The samples behind the detection (see <see cref="Detection.Samples"/>): journaled, kept out of the leak's state.</param>
public sealed record LeakReported(
    LeakId Leak,
    DateTimeOffset Time,
    LeakReport Report,
    bool Reopened,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] MemorySamples Samples = default) : LeakEvent(Leak, Time);

/// <summary>The leak held long enough at high confidence to be called confirmed.</summary>
public sealed record LeakConfirmed(LeakId Leak, DateTimeOffset Time) : LeakEvent(Leak, Time);

/// <summary>The growth stopped or the memory was given back (growth_resolved).</summary>
public sealed record LeakResolved(LeakId Leak, DateTimeOffset Time) : LeakEvent(Leak, Time);

/// <summary>The process ended while the leak was open: it exited, or the OOM killer took it.</summary>
public sealed record LeakEnded(LeakId Leak, DateTimeOffset Time, LeakEnd How) : LeakEvent(Leak, Time);
