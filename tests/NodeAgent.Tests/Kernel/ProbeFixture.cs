using MemGrowth.NodeAgent.Probe;
using MemGrowth.NodeAgent.Sources;
using Microsoft.Extensions.Logging.Abstractions;

namespace MemGrowth.NodeAgent.Tests.Kernel;

/// <summary>One real probe, loaded and attached, recording every event it sends (whole host, filter by pid).</summary>
public sealed class ProbeFixture : IDisposable
{
    private readonly List<SourceEvent> _events = [];
    private readonly RingReader _reader;

    public ProbeFixture()
    {
        KernelRequirement.Require();
        Probe = MemGrowthProbe.Open(new ProbeSettings(), NullLogger.Instance);
        Probe.Configure();
        Probe.Load();
        Probe.Attach();
        _reader = new RingReader(Probe.EventsFd, Record, NullLogger.Instance);
        _reader.Start();
    }

    internal MemGrowthProbe Probe { get; }

    internal List<SourceEvent> EventsFor(int pid)
    {
        lock (_events)
        {
            return _events.Where(e => e.Key.Pid == pid).ToList();
        }
    }

    /// <summary>Waits until an event matching <paramref name="match"/> has arrived; null on timeout.</summary>
    internal SourceEvent? WaitFor(Func<SourceEvent, bool> match, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        lock (_events)
        {
            while (true)
            {
                foreach (var e in _events)
                {
                    if (match(e))
                    {
                        return e;
                    }
                }

                var left = deadline - DateTime.UtcNow;
                if (left <= TimeSpan.Zero || !Monitor.Wait(_events, left))
                {
                    return _events.FirstOrDefault(match) is { Key.Pid: > 0 } found ? found : null;
                }
            }
        }
    }

    public void Dispose()
    {
        _reader.Dispose();
        Probe.Dispose();
    }

    private void Record(IReadOnlyList<SourceEvent> batch)
    {
        lock (_events)
        {
            _events.AddRange(batch);
            Monitor.PulseAll(_events);
        }
    }
}
