using System.Text.Json;
using MemGrowth.NodeAgent.Sources;

namespace MemGrowth.NodeAgent.Agent;

/// <summary>The running agent's status file (<c>--status-file</c>, rewritten every second): counters, the probe's numbers and the outbox; no command line.</summary>
public sealed record AgentStatus(
    DateTimeOffset Time, string Source, int Pid, int TrackedProcesses, long EventsReceived, long EventsDropped, long EventsInFlight, ProbeStatus? Probe,
    OutboxStatus? Outbox = null)
{
    /// <summary>How the status file is written: snake_case names, as `memgrowth status` reads them.</summary>
    public static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower, WriteIndented = true };
}

/// <summary>The outbox in the status file: what waits, what was dropped or resent, and its disk's faults (<see cref="Delivery.Outbox"/>).</summary>
/// <param name="Fault">Why the outbox cannot write its log now (e.g. "No space left on device"), null when it can.</param>
public sealed record OutboxStatus(
    int Pending, long PendingBytes, long MaxBytes, long Dropped, long Resent, long WriteFailures, long Quarantined, long CorruptBytes, string? Fault);
