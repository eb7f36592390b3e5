namespace MemGrowth.NodeAgent.Actors;

/// <summary>
/// Bounds the events handed to the actors but not yet handled, so a slow consumer never stalls the
/// ring-buffer thread or grows memory without limit: past the bound a batch is dropped and counted.
/// </summary>
public sealed class EventBudget(long maxInFlight)
{
    private long _inFlight;
    private long _dropped;

    public long InFlight => Interlocked.Read(ref _inFlight);

    public long Dropped => Interlocked.Read(ref _dropped);

    public bool TryAcquire(int events)
    {
        if (Interlocked.Add(ref _inFlight, events) > maxInFlight)
        {
            Interlocked.Add(ref _inFlight, -events);
            Interlocked.Add(ref _dropped, events);
            return false;
        }

        return true;
    }

    public void Release(int events) => Interlocked.Add(ref _inFlight, -events);
}
