namespace MemGrowth.Analytics.Persistence;

/// <summary>
/// Many single-key lookups answered by few queries: a lookup asked while no query runs starts one at once;
/// lookups asked while one runs wait for it to finish and then go together in the next, up to
/// <see cref="MaxBatch"/> at a time. A lone lookup is never delayed; a thousand asked together cost about
/// a thousand / <see cref="MaxBatch"/> queries instead of a thousand (each with a connection and a
/// transaction of its own, as the persistence plugin's lookups are). One query runs at a time.
/// </summary>
/// <typeparam name="TKey">What one lookup asks.</typeparam>
/// <typeparam name="TResult">What it is answered.</typeparam>
internal sealed class BatchedQuery<TKey, TResult>
{
    private readonly Func<IReadOnlyList<TKey>, Task<IReadOnlyList<TResult>>> _query;
    private readonly Lock _gate = new();
    private readonly Queue<(TKey Key, TaskCompletionSource<TResult> Answer, CancellationToken Cancelled)> _waiting = new();
    private bool _running;
    private long _queries;

    /// <param name="query">Answers a batch of keys, one result per key in their order; a failure fails that batch's lookups only.</param>
    /// <param name="maxBatch">Most keys in one query.</param>
    public BatchedQuery(Func<IReadOnlyList<TKey>, Task<IReadOnlyList<TResult>>> query, int maxBatch)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBatch, 1);
        _query = query;
        MaxBatch = maxBatch;
    }

    public int MaxBatch { get; }

    /// <summary>Queries run so far (for tests and logs).</summary>
    public long Queries => Interlocked.Read(ref _queries);

    /// <summary>The answer to <paramref name="key"/>, from the query that runs now if none does, else from the next.</summary>
    /// <param name="cancelled">
    /// Gives up the wait: the lookup is then cancelled, and left out of the next query if it has not gone yet
    /// (lookups given up while a query hangs on a database that stopped answering do not pile into the next).
    /// </param>
    public Task<TResult> LookUp(TKey key, CancellationToken cancelled = default)
    {
        var answer = new TaskCompletionSource<TResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        if (cancelled.CanBeCanceled)
        {
            var registration = cancelled.Register(static state => ((TaskCompletionSource<TResult>)state!).TrySetCanceled(), answer);
            answer.Task.ContinueWith(_ => registration.Dispose(), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }

        lock (_gate)
        {
            _waiting.Enqueue((key, answer, cancelled));
            if (_running)
            {
                return answer.Task;
            }

            _running = true;
        }

        // Started on the caller's thread (a plugin actor's), as the plugin's own queries are: an SQLite query
        // runs there to its end (its provider's async calls complete synchronously), a PostgreSQL one until it
        // waits on the network. Nothing waits for a free thread-pool thread to start it.
        _ = RunAsync();
        return answer.Task;
    }

    private async Task RunAsync()
    {
        while (true)
        {
            List<(TKey Key, TaskCompletionSource<TResult> Answer)> batch;
            lock (_gate)
            {
                batch = new List<(TKey, TaskCompletionSource<TResult>)>(Math.Min(_waiting.Count, MaxBatch));
                while (batch.Count < MaxBatch && _waiting.TryDequeue(out var next))
                {
                    if (!next.Cancelled.IsCancellationRequested)
                    {
                        batch.Add((next.Key, next.Answer));
                    }
                }

                if (batch.Count == 0)
                {
                    _running = false;
                    return;
                }
            }

            Interlocked.Increment(ref _queries);
            try
            {
                var results = await _query(batch.ConvertAll(w => w.Key)).ConfigureAwait(false);
                if (results.Count != batch.Count)
                {
                    throw new InvalidOperationException($"a batched query answered {results.Count} of {batch.Count} keys");
                }

                for (var i = 0; i < batch.Count; i++)
                {
                    batch[i].Answer.TrySetResult(results[i]);
                }
            }
            catch (Exception e)
            {
                foreach (var waiting in batch)
                {
                    waiting.Answer.TrySetException(e);
                }
            }
        }
    }
}
