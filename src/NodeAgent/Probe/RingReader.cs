using System.Runtime.InteropServices;
using System.Text;
using MemGrowth.NodeAgent.Probe.Native;
using MemGrowth.NodeAgent.Sources;
using MemGrowth.Shared.Growth;
using Microsoft.Extensions.Logging;

namespace MemGrowth.NodeAgent.Probe;

/// <summary>
/// Drains the probe's ring buffer on a dedicated thread and hands each poll's events to
/// <see cref="_deliver"/> as one batch. The probe wakes us only when enough is waiting, so we also
/// drain on a short poll timeout. Disposing stops the thread (within one poll timeout) and frees the
/// ring; that is a normal shutdown, not an error.
/// </summary>
internal sealed unsafe class RingReader : IDisposable
{
    private const int PollTimeoutMs = 100;

    private readonly RingBufferHandle _ring;
    private readonly Action<IReadOnlyList<SourceEvent>> _deliver;
    private readonly ILogger _logger;
    private readonly Thread _thread;
    private readonly long _pageSize = Environment.SystemPageSize;
    private GCHandle _self;
    private List<SourceEvent> _batch = [];
    private volatile bool _stopping;

    public RingReader(int eventsMapFd, Action<IReadOnlyList<SourceEvent>> deliver, ILogger logger)
    {
        _deliver = deliver;
        _logger = logger;
        _self = GCHandle.Alloc(this);
        var raw = Libbpf.RingBufferNew(eventsMapFd, &OnEvent, GCHandle.ToIntPtr(_self), IntPtr.Zero);
        if (raw == IntPtr.Zero)
        {
            _self.Free();
            throw new ProbeException("ring buffer", Marshal.GetLastPInvokeError(), "cannot open the probe's ring buffer");
        }

        _ring = new RingBufferHandle(raw);
        _thread = new Thread(Run) { IsBackground = true, Name = "memgrowth-ring" };
    }

    public long EventsRead { get; private set; }

    public long MalformedEvents { get; private set; }

    public void Start() => _thread.Start();

    public static SourceEvent Convert(in MgEvent e, long pageSize)
    {
        var kind = e.Type switch
        {
            ProbeEventType.Seen => SourceEventKind.Seen,
            ProbeEventType.Exit => SourceEventKind.Exit,
            _ => SourceEventKind.Sample,
        };
        var time = e.TimeNs / 1e9;
        var sample = new RssSample(time, e.FilePages * pageSize, e.AnonPages * pageSize, e.SwapPages * pageSize, e.ShmemPages * pageSize);
        var key = new ProcessKey((int)e.Tgid, MonotonicClock.BoottimeNsToTicks(e.StartBoottimeNs));
        return new SourceEvent(kind, key, CommOf(e), sample, e.FirstSeenNs / 1e9, (long)e.PeakPages * pageSize, e.CgroupId);
    }

    /// <summary>An OOM kill: the sample is the victim's RSS at the kill (zero when the kernel does not say).</summary>
    public static SourceEvent Convert(in MgOomEvent e)
    {
        const long kB = 1024;
        var time = e.TimeNs / 1e9;
        var sample = e.RssKnown != 0
            ? new RssSample(time, (long)e.FileRssKb * kB, (long)e.AnonRssKb * kB, 0, (long)e.ShmemRssKb * kB)
            : new RssSample(time, 0, 0, 0, 0);
        var start = e.StartBoottimeNs == 0 ? 0 : MonotonicClock.BoottimeNsToTicks(e.StartBoottimeNs);
        fixed (byte* comm = e.Comm)
        {
            return new SourceEvent(SourceEventKind.OomKill, new ProcessKey((int)e.Tgid, start), CommOf(comm), sample, 0, sample.RssBytes, 0);
        }
    }

    public static string CommOf(in MgEvent e)
    {
        fixed (byte* comm = e.Comm)
        {
            return CommOf(comm);
        }
    }

    private static string CommOf(byte* comm)
    {
        var span = new ReadOnlySpan<byte>(comm, 16);
        var end = span.IndexOf((byte)0);
        return Encoding.UTF8.GetString(end < 0 ? span : span[..end]);
    }

    public void Dispose()
    {
        _stopping = true;
        if (_thread.IsAlive)
        {
            _thread.Join();
        }

        _ring.Dispose();
        if (_self.IsAllocated)
        {
            _self.Free();
        }
    }

    private void Run()
    {
        var ring = _ring.DangerousGetHandle();
        while (!_stopping)
        {
            var polled = Libbpf.RingBufferPoll(ring, PollTimeoutMs);
            if (polled < 0 && polled != -4 /* EINTR */)
            {
                _logger.LogError("ring buffer poll failed ({Code}); the reader stops", polled);
                return;
            }

            Libbpf.RingBufferConsume(ring);
            if (_batch.Count > 0)
            {
                var batch = _batch;
                _batch = new List<SourceEvent>(batch.Count);
                _deliver(batch);
            }
        }
    }

    [UnmanagedCallersOnly]
    private static int OnEvent(IntPtr ctx, IntPtr data, nuint size)
    {
        var reader = (RingReader)GCHandle.FromIntPtr(ctx).Target!;
        // Records differ in size; each starts with its type.
        var type = size >= sizeof(uint) ? *(ProbeEventType*)data : 0;
        if (type == ProbeEventType.OomKill ? size < (nuint)sizeof(MgOomEvent) : size < (nuint)sizeof(MgEvent))
        {
            reader.MalformedEvents++;
            return 0;
        }

        reader.EventsRead++;
        reader._batch.Add(type == ProbeEventType.OomKill ? Convert(*(MgOomEvent*)data) : Convert(*(MgEvent*)data, reader._pageSize));
        return 0;
    }
}
