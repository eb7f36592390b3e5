namespace MemGrowth.Analytics.ReadModel;

/// <summary>
/// A projection's stored offset as seen from inside the process, and whoever waits for it to reach an
/// ordering (a test, or a graceful stop draining the projection).
/// </summary>
internal sealed class OffsetWaiters
{
    private readonly Lock _lock = new();
    private readonly List<(long Ordering, TaskCompletionSource Done)> _waiters = [];
    private long _offset;

    public long Offset
    {
        get
        {
            lock (_lock)
            {
                return _offset;
            }
        }
    }

    /// <summary>The offset is at least <paramref name="ordering"/> now; wakes who waited for no more than that.</summary>
    public void Reached(long ordering)
    {
        lock (_lock)
        {
            _offset = Math.Max(_offset, ordering);
            foreach (var waiter in _waiters.Where(w => w.Ordering <= _offset).ToList())
            {
                waiter.Done.TrySetResult();
                _waiters.Remove(waiter);
            }
        }
    }

    /// <summary>Completes once the offset reaches <paramref name="ordering"/>.</summary>
    public Task WaitAsync(long ordering, CancellationToken ct)
    {
        lock (_lock)
        {
            if (_offset >= ordering)
            {
                return Task.CompletedTask;
            }

            var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((ordering, done));
            return done.Task.WaitAsync(ct);
        }
    }
}
