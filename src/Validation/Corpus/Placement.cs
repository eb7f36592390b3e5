namespace MemGrowth.Validation.Corpus;

/// <summary>How a scenario's grower is started.</summary>
public enum Placement
{
    /// <summary>The grower is the runner's child.</summary>
    Direct,

    /// <summary>A shell starts the grower as its child and waits: the leak is in the child, the shell is a known-good process.</summary>
    ChildOfShell,

    /// <summary>The grower runs inside a memory cgroup with a limit, so its detection must carry the limit.</summary>
    LimitedCgroup,
}
