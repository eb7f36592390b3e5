using Akka.Event;
using MemGrowth.Analytics.ReadModel;
using MemGrowth.Shared.Settings;

namespace MemGrowth.Analytics.Retention;

/// <summary>
/// Runs <see cref="HistoryPruner"/> beside the live projection: soon after start, then every
/// <see cref="Every"/>, forgetting the leaks closed longer than the retention before now. One per history
/// (the standalone node, or the fleet's projection singleton). A sweep that fails (database away) is logged
/// and tried again at the next one. Dispose to stop it.
/// </summary>
public sealed class HistorySweeper : IAsyncDisposable
{
    /// <summary>Often enough that the history overshoots its retention by an hour at most; each sweep is one indexed query when there is nothing to do.</summary>
    public static readonly TimeSpan Every = TimeSpan.FromHours(1);

    /// <summary>After start: past the projection's first batches, so a start is not slowed by a sweep.</summary>
    public static readonly TimeSpan FirstAfter = TimeSpan.FromMinutes(1);

    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    private HistorySweeper(HistoryPruner pruner, TimeSpan retention, ILoggingAdapter log, TimeSpan firstAfter, TimeSpan every)
    {
        _loop = RunAsync(pruner, retention, log, firstAfter, every, _stop.Token);
    }

    /// <param name="firstAfter">The first sweep's delay (<see cref="FirstAfter"/> unless given).</param>
    /// <param name="every">Between sweeps (<see cref="Every"/> unless given).</param>
    public static HistorySweeper Start(ReadModelStore store, TimeSpan retention, ILoggingAdapter log, TimeSpan? firstAfter = null, TimeSpan? every = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(log);
        return new HistorySweeper(new HistoryPruner(store), HistoryRetention.Check(retention), log, firstAfter ?? FirstAfter, every ?? Every);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        try
        {
            await _loop.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }

        _stop.Dispose();
    }

    private static async Task RunAsync(HistoryPruner pruner, TimeSpan retention, ILoggingAdapter log, TimeSpan firstAfter, TimeSpan every, CancellationToken ct)
    {
        await Task.Delay(firstAfter, ct).ConfigureAwait(false);
        using var timer = new PeriodicTimer(every);
        do
        {
            try
            {
                var pruned = await pruner.PruneAsync(DateTimeOffset.UtcNow - retention, ct).ConfigureAwait(false);
                if (pruned.Leaks > 0)
                {
                    log.Info("history retention: forgot {0} leaks closed over {1:0.#} days ago ({2} journal events, {3} reports)",
                        pruned.Leaks, retention.TotalDays, pruned.JournalRows, pruned.Reports);
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                log.Warning("history retention: sweep failed ({0}); trying again in {1}", e.Message, every);
            }
        }
        while (await timer.WaitForNextTickAsync(ct).ConfigureAwait(false));
    }
}
