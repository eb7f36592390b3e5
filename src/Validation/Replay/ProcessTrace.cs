namespace MemGrowth.Validation.Replay;

/// <summary>
/// What the agent's --trace holds about one process: its samples in order, when the agent first had it,
/// and its exit (the kernel's time of it, and when the agent handled it).
/// </summary>
/// <param name="Start">When the process started (sample time minus its age).</param>
/// <param name="FirstReceived">When the agent received the first event about it.</param>
/// <param name="Exit">The exit event's time, from the kernel; null when no exit was traced.</param>
/// <param name="ExitReceived">When the agent received the exit.</param>
public sealed record ProcessTrace(
    int Pid,
    ulong StartTicks,
    string Comm,
    double Start,
    double FirstReceived,
    IReadOnlyList<TraceSample> Samples,
    double? Exit,
    double? ExitReceived);
