using MemGrowth.Shared.Growth;

namespace MemGrowth.Validation.Replay;

/// <summary>One sample of the agent's --trace: time on CLOCK_MONOTONIC, the process's age then, bytes by type.</summary>
public readonly record struct TraceSample(double Time, double Age, long FileBytes, long AnonBytes, long SwapBytes, long ShmemBytes)
{
    public RssSample ToRssSample() => new(Time, FileBytes, AnonBytes, SwapBytes, ShmemBytes);

    public long FootprintBytes => FileBytes + AnonBytes + SwapBytes + ShmemBytes;
}
