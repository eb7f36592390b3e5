using System.Text.Json;

namespace MemGrowth.Validation.Run;

public readonly record struct ProgramRuntime(ulong RunTimeNs, ulong RunCount);

/// <summary>The probe's counters in the status file: cumulative since the probe was loaded.</summary>
public sealed record ProbeCounters(
    ulong Hits, ulong Samples, ulong RingDrops, ulong MapFull, bool BpfStatsEnabled,
    IReadOnlyDictionary<string, ProgramRuntime> Programs);

/// <summary>One reading of the status file `memgrowth run --status-file` rewrites every second.</summary>
public sealed record AgentStatusSnapshot(
    DateTimeOffset Time, string Source, int Pid, int TrackedProcesses, long EventsReceived, long EventsDropped, ProbeCounters? Probe)
{
    /// <summary>Parses the status JSON; throws FormatException naming the missing or malformed field.</summary>
    public static AgentStatusSnapshot Parse(string json)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            var s = document.RootElement;
            ProbeCounters? probe = null;
            if (s.TryGetProperty("probe", out var p) && p.ValueKind == JsonValueKind.Object)
            {
                var programs = new Dictionary<string, ProgramRuntime>(StringComparer.Ordinal);
                if (p.TryGetProperty("programs", out var progs) && progs.ValueKind == JsonValueKind.Object)
                {
                    foreach (var prog in progs.EnumerateObject())
                    {
                        programs[prog.Name] = new ProgramRuntime(
                            Field(prog.Value, "run_time_ns").GetUInt64(), Field(prog.Value, "run_count").GetUInt64());
                    }
                }

                probe = new ProbeCounters(
                    Field(p, "hits").GetUInt64(), Field(p, "samples").GetUInt64(),
                    Field(p, "ring_drops").GetUInt64(), Field(p, "map_full").GetUInt64(),
                    Field(p, "bpf_stats_enabled").GetBoolean(), programs);
            }

            return new AgentStatusSnapshot(
                Field(s, "time").GetDateTimeOffset(), Field(s, "source").GetString() ?? "",
                Field(s, "pid").GetInt32(), Field(s, "tracked_processes").GetInt32(),
                Field(s, "events_received").GetInt64(), Field(s, "events_dropped").GetInt64(), probe);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            // A half-understood status would silently skew the numbers: say so instead.
            throw new FormatException($"the agent's status file does not have the expected shape: {e.Message}", e);
        }
    }

    private static JsonElement Field(JsonElement parent, string name) =>
        parent.TryGetProperty(name, out var value)
            ? value
            : throw new FormatException($"the agent's status file has no \"{name}\"");
}
