using Akka.Actor;

namespace MemGrowth.Analytics.Trends;

/// <summary>
/// Asks the trend entities (a shard region or proxy, or a <see cref="TrendRegion"/>) for their state: one
/// service, or many in parallel (at most <see cref="Parallelism"/> asks at once), each within a timeout. A
/// trend that does not answer in time is null, not an error: the caller says so.
/// </summary>
public sealed class TrendQuery
{
    public const int Parallelism = 32;

    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(3);

    private readonly Func<CancellationToken, Task<IActorRef>> _trends;
    private readonly TimeSpan _timeout;

    public TrendQuery(IActorRef trends, TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(trends);
        _trends = _ => Task.FromResult(trends);
        _timeout = timeout ?? DefaultTimeout;
    }

    /// <param name="trends">The trend entities once they are up: a host maps its API before its actor system starts.</param>
    public TrendQuery(Func<CancellationToken, Task<IActorRef>> trends, TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(trends);
        _trends = trends;
        _timeout = timeout ?? DefaultTimeout;
    }

    /// <summary>The service's trend, or null when its entity did not answer in time.</summary>
    public async Task<ServiceTrend?> GetAsync(string service, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrEmpty(service);
        try
        {
            var trends = await _trends(ct).ConfigureAwait(false);
            return (await trends.Ask<TrendReply>(new GetTrend(service), _timeout, ct).ConfigureAwait(false)).Trend;
        }
        catch (AskTimeoutException)
        {
            return null;
        }
        catch (TaskCanceledException) when (!ct.IsCancellationRequested)
        {
            return null;
        }
    }

    /// <summary>Each service's trend (null for one that did not answer in time), in the order given.</summary>
    public async Task<IReadOnlyList<(string Service, ServiceTrend? Trend)>> GetAllAsync(IReadOnlyList<string> services, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(services);
        var trends = new ServiceTrend?[services.Count];
        await Parallel.ForEachAsync(Enumerable.Range(0, services.Count), new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = ct },
            async (i, token) => trends[i] = await GetAsync(services[i], token).ConfigureAwait(false)).ConfigureAwait(false);
        return [.. services.Select((s, i) => (s, trends[i]))];
    }
}
