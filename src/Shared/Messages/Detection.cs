using System.Text.Json.Serialization;
using MemGrowth.Shared.Growth;

namespace MemGrowth.Shared.Messages;

/// <summary>What a detection says. Journaled and sent by name: add new kinds at the end, never rename.</summary>
public enum DetectionKind
{
    GrowthDetected,
    GrowthUpdated,
    GrowthResolved,

    /// <summary>A process with an open detection ended (not by the OOM killer: that is <see cref="ProcessOomKilled"/>).</summary>
    ProcessExited,

    /// <summary>
    /// The kernel's OOM killer took the process, leaking or not. With a leak open it carries the leak's
    /// last pattern, rate and confidence; without one, pattern stable, rate and confidence 0. No
    /// <see cref="ProcessExited"/> follows for the same process.
    /// </summary>
    ProcessOomKilled,
}

/// <summary>
/// What a node says about one growing process: the answer to "what is leaking (<see cref="Process"/>), how
/// fast and since when (<see cref="Growth"/>), how big (<see cref="Memory"/>), and when will it hit its limit
/// (<see cref="Limit"/>)". Sizes in bytes, rates in bytes per second, times UTC. Its JSON (wire, journal,
/// outbox) is the flat v1 object of <see cref="DetectionV1"/>, not these parts.
/// </summary>
/// <param name="Samples">
/// The samples behind a growth_detected or growth_updated that no earlier detection of the process carried
/// (the first: from the growth's start; later ones: since the one before), at most a hundred or so, oldest
/// first; empty for the other kinds. Added after v1 as an optional field: left out of the JSON when empty,
/// so a detection without samples is written exactly as v1 was, and one journaled before reads as empty.
/// </param>
[JsonConverter(typeof(DetectionJsonConverter))]
public sealed record Detection(
    DetectionKind Kind,
    DateTimeOffset Time,
    DetectedProcess Process,
    GrowthVerdict Growth,
    MemoryUsage Memory,
    MemoryLimit Limit,
    MemorySamples Samples = default);
