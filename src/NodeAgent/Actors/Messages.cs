using MemGrowth.NodeAgent.Sources;
using MemGrowth.Shared.Growth;

namespace MemGrowth.NodeAgent.Actors;

/// <summary>One poll's worth of source events, in the order the source saw them.</summary>
public sealed record SourceBatch(IReadOnlyList<SourceEvent> Events);

/// <summary>Time passed (Now = 0: read the clock); a detected tracker with no recent sample takes it as "unchanged".</summary>
/// <param name="Confirm">A single tick after a sample: one more point confirms (or not) the level the sample reached.</param>
internal sealed record Tick(double Now, bool Confirm = false);

/// <summary>The process is gone (exit event, or found dead by the liveness sweep).</summary>
internal sealed record ProcessGone(double Time);

public sealed record GetTrackedProcesses
{
    public static GetTrackedProcesses Instance { get; } = new();
}

public sealed record TrackedProcesses(IReadOnlyCollection<ProcessKey> Keys);

/// <summary>Published on the event stream when a tracker starts.</summary>
internal sealed record ProcessTracked(ProcessKey Key, string Comm);

/// <summary>Published on the event stream when a tracker is stopped.</summary>
internal sealed record ProcessUntracked(ProcessKey Key, string Reason);
