using MemGrowth.Validation.Corpus;

namespace MemGrowth.Validation.Run;

/// <summary>A process the runner started (or that a launch's shell started), with what it printed.</summary>
/// <param name="Launched">CLOCK_MONOTONIC seconds when the runner started it.</param>
/// <param name="Output">The grower's output; null for a shell parent or a short-lived process.</param>
/// <param name="ShellParent">The shell of a <see cref="Placement.ChildOfShell"/> launch: known good whatever the launch's label.</param>
public sealed record LaunchedProcess(Launch Launch, int Pid, double Launched, GrowerOutput? Output, bool ShellParent = false);
