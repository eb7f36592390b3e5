namespace MemGrowth.Validation.Baseline;

/// <summary>One firing of the baseline alert for a process.</summary>
/// <param name="PendingSince">The first evaluation of the unbroken run in which the condition held (Prometheus's ActiveAt).</param>
/// <param name="Start">The evaluation at which the alert went from pending to firing: the page.</param>
/// <param name="End">The first evaluation at which the condition no longer held (resolved); null when still firing when the process ended.</param>
/// <param name="BytesPerSecond">The deriv value at <see cref="Start"/>, what the alert's $value says.</param>
internal sealed record LinearTrendFiring(double PendingSince, double Start, double? End, double BytesPerSecond);
