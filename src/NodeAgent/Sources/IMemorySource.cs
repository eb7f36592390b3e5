namespace MemGrowth.NodeAgent.Sources;

/// <summary>Where the agent's samples come from: the eBPF probe, or /proc polling where BPF is not possible.</summary>
public interface IMemorySource : IDisposable
{
    /// <summary>"bpf" or "procfs", as reported in agent_ready and the status file.</summary>
    string Name { get; }

    /// <summary>Processes the source already knows about, as Seen events (taken once at start).</summary>
    IReadOnlyList<SourceEvent> Snapshot();

    /// <summary>Tells the source about processes found in /proc at start, so it reports their exits too.</summary>
    void Seed(IReadOnlyList<SourceEvent> running);

    /// <summary>Starts delivering batches on the source's own thread.</summary>
    void Start(Action<IReadOnlyList<SourceEvent>> deliver);

    /// <summary>The probe's counters for the status file; null for sources without a probe.</summary>
    ProbeStatus? Status();
}
