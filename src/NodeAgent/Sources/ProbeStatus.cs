namespace MemGrowth.NodeAgent.Sources;

/// <summary>Kernel BPF statistics of one program (counted only while kernel.bpf_stats_enabled = 1).</summary>
internal sealed record ProgramStatus(ulong RunTimeNs, ulong RunCount);

/// <summary>The probe's counters, summed over CPUs, as the status file shows them.</summary>
internal sealed record ProbeStatus(
    ulong Hits, ulong Samples, ulong RingDrops, ulong MapFull, ulong Unattributed, ulong Teardown, ulong Exits, ulong Flushes,
    bool BpfStatsEnabled, Dictionary<string, ProgramStatus> Programs, long EventsRead);
