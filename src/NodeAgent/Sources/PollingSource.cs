using MemGrowth.Shared.Growth;
using Microsoft.Extensions.Logging;

namespace MemGrowth.NodeAgent.Sources;

/// <summary>
/// The /proc source: every interval, read every process and send what the probe would have sent (a
/// sample when RSS + swap moved by at least the minimum delta, an exit when a process is gone). For
/// hosts where BPF is not possible, and the baseline the overhead benchmark compares the probe to.
/// </summary>
public sealed class PollingSource(TimeSpan interval, long minDeltaBytes, ILogger logger) : IMemorySource
{
    private readonly ProcfsReader _reader = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Dictionary<ProcessKey, (long Footprint, string Comm)> _last = [];
    private Thread? _thread;

    public string Name => "procfs";

    /// <summary>Nothing beyond what the agent's own /proc scan found (<see cref="Seed"/>).</summary>
    public IReadOnlyList<SourceEvent> Snapshot() => [];

    public void Seed(IReadOnlyList<SourceEvent> running)
    {
        foreach (var e in running)
        {
            _last.TryAdd(e.Key, (e.Sample.FootprintBytes, e.Comm));
        }
    }

    public void Start(Action<IReadOnlyList<SourceEvent>> deliver)
    {
        _thread = new Thread(() => Run(deliver)) { IsBackground = true, Name = "memgrowth-procfs" };
        _thread.Start();
    }

    public ProbeStatus? Status() => null;

    public void Dispose()
    {
        _stop.Cancel();
        _thread?.Join();
        _stop.Dispose();
    }

    /// <summary>One pass over /proc: what changed since the previous pass.</summary>
    internal List<SourceEvent> Poll(double now)
    {
        var events = new List<SourceEvent>();
        var alive = new HashSet<ProcessKey>();
        foreach (var pid in _reader.ListPids())
        {
            if (_reader.Read(pid) is not { IsKernelThread: false, State: not 'Z' } p)
            {
                continue;
            }

            alive.Add(p.Key);
            var sample = p.ToSample(now);
            if (!_last.TryGetValue(p.Key, out var last))
            {
                events.Add(new SourceEvent(SourceEventKind.Seen, p.Key, p.Comm, sample, now, p.RssBytes, 0));
                _last[p.Key] = (sample.FootprintBytes, p.Comm);
            }
            else if (Math.Abs(sample.FootprintBytes - last.Footprint) >= minDeltaBytes)
            {
                events.Add(new SourceEvent(SourceEventKind.Sample, p.Key, p.Comm, sample, 0, p.RssBytes, 0));
                _last[p.Key] = (sample.FootprintBytes, p.Comm);
            }
        }

        foreach (var gone in _last.Keys.Where(k => !alive.Contains(k)).ToList())
        {
            events.Add(new SourceEvent(SourceEventKind.Exit, gone, _last[gone].Comm, new RssSample(now, 0, 0, 0, 0), 0, 0, 0));
            _last.Remove(gone);
        }

        return events;
    }

    private void Run(Action<IReadOnlyList<SourceEvent>> deliver)
    {
        using var timer = new PeriodicTimer(interval);
        try
        {
            while (timer.WaitForNextTickAsync(_stop.Token).AsTask().GetAwaiter().GetResult())
            {
                var events = Poll(MonotonicClock.NowSeconds);
                if (events.Count > 0)
                {
                    deliver(events);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            logger.LogError(e, "the procfs source stopped");
        }
    }
}
