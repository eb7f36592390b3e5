namespace MemGrowth.NodeAgent.Probe;

/// <summary>What the loader writes into the probe between open and load.</summary>
public sealed record ProbeSettings
{
    /// <summary>At most one sample per process per interval.</summary>
    public TimeSpan Interval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>A sample is sent only when RSS + swap moved by at least this much since the last one.</summary>
    public long MinDeltaBytes { get; init; } = 32 * 1024;

    /// <summary>Size of process_states; processes beyond it are counted as map-full drops.</summary>
    public uint MaxProcesses { get; init; } = 32768;

    /// <summary>Ring buffer size; a power of two, a multiple of the page size.</summary>
    public uint RingBufferBytes { get; init; } = 4 * 1024 * 1024;

    /// <summary>The compiled probe; built next to the executable by the build.</summary>
    public string ObjectPath { get; init; } = Path.Combine(AppContext.BaseDirectory, "memgrowth.bpf.o");

    public void Validate()
    {
        if (Interval < TimeSpan.FromMilliseconds(100) || Interval > TimeSpan.FromMinutes(5))
        {
            throw new ArgumentException($"interval must be between 100 ms and 5 min (got {Interval.TotalSeconds} s)");
        }

        if (MinDeltaBytes < 0)
        {
            throw new ArgumentException($"minimum delta must be ≥ 0 bytes (got {MinDeltaBytes})");
        }

        if (MaxProcesses < 64)
        {
            throw new ArgumentException($"max processes must be ≥ 64 (got {MaxProcesses})");
        }

        if (RingBufferBytes < 4096 || (RingBufferBytes & (RingBufferBytes - 1)) != 0)
        {
            throw new ArgumentException($"ring buffer size must be a power of two ≥ 4096 bytes (got {RingBufferBytes})");
        }
    }
}
