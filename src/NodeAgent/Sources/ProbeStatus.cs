namespace MemGrowth.NodeAgent.Sources;

/// <summary>Kernel BPF statistics of one program (counted only while kernel.bpf_stats_enabled = 1).</summary>
public sealed record ProgramStatus(ulong RunTimeNs, ulong RunCount);

/// <summary>The probe's counters, summed over CPUs, as the status file shows them.</summary>
/// <param name="OomKills">OOM-kill events the probe wrote (oom:mark_victim).</param>
/// <param name="OptionalProgramsMissing">Optional programs left out or not attached (the OOM-kill tracepoint), each logged as a warning.</param>
public sealed record ProbeStatus(
    ulong Hits, ulong Samples, ulong RingDrops, ulong MapFull, ulong Unattributed, ulong Teardown, ulong Exits, ulong Flushes,
    bool BpfStatsEnabled, Dictionary<string, ProgramStatus> Programs, long EventsRead, ulong OomKills = 0, int OptionalProgramsMissing = 0);
