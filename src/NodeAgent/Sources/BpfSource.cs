using System.Text;
using MemGrowth.NodeAgent.Probe;
using MemGrowth.Shared.Growth;
using Microsoft.Extensions.Logging;

namespace MemGrowth.NodeAgent.Sources;

/// <summary>The eBPF probe as a memory source: load and attach at construction, then a ring reader thread.</summary>
public sealed class BpfSource : IMemorySource
{
    private static readonly string[] Programs = ["on_rss_stat", "on_process_exit", "on_process_exec", "on_flush_tick", "on_oom_kill"];

    private readonly MemGrowthProbe _probe;
    private readonly ILogger _logger;
    private readonly long _pageSize = Environment.SystemPageSize;
    private RingReader? _reader;
    private ulong _mapFullLogged;
    private ulong _ringDropsLogged;

    public BpfSource(ProbeSettings settings, ILogger logger)
    {
        _logger = logger;
        _probe = MemGrowthProbe.Open(settings, logger);
        if (!Preflight.EnsureTracefs(m => logger.LogInformation("{Message}", m)))
        {
            logger.LogDebug("kmem:rss_stat is not listed in tracefs; attaching through BTF (tp_btf) anyway");
        }

        try
        {
            _probe.Configure();
            _probe.Load();
            _probe.Attach();
        }
        catch
        {
            _probe.Dispose();
            throw;
        }
    }

    public string Name => "bpf";

    public unsafe IReadOnlyList<SourceEvent> Snapshot()
    {
        var events = new List<SourceEvent>();
        foreach (var (tgid, s) in _probe.ReadStates())
        {
            var comm = Encoding.UTF8.GetString(new ReadOnlySpan<byte>(s.Comm, 16)).TrimEnd('\0');
            var sample = new RssSample(s.LastEmitNs / 1e9, s.FilePages * _pageSize, s.AnonPages * _pageSize, s.SwapPages * _pageSize, s.ShmemPages * _pageSize);
            var key = new ProcessKey((int)tgid, MonotonicClock.BoottimeNsToTicks(s.StartBoottimeNs));
            events.Add(new SourceEvent(SourceEventKind.Seen, key, comm, sample, s.FirstSeenNs / 1e9, (long)s.PeakPages * _pageSize, s.CgroupId));
        }

        return events;
    }

    public unsafe void Seed(IReadOnlyList<SourceEvent> running)
    {
        var nowNs = (ulong)(MonotonicClock.NowSeconds * 1e9);
        var added = _probe.Seed(running.Select(e =>
        {
            var state = new MgState
            {
                StartBoottimeNs = e.Key.StartTicks * (1_000_000_000UL / MonotonicClock.TicksPerSecond),
                FirstSeenNs = nowNs,
                LastEmitNs = nowNs,
                FilePages = e.Sample.FileBytes / _pageSize,
                AnonPages = e.Sample.AnonBytes / _pageSize,
                SwapPages = e.Sample.SwapBytes / _pageSize,
                ShmemPages = e.Sample.ShmemBytes / _pageSize,
                PeakPages = (ulong)(e.Sample.RssBytes / _pageSize),
            };
            var comm = Encoding.UTF8.GetBytes(e.Comm);
            new ReadOnlySpan<byte>(comm, 0, Math.Min(comm.Length, 15)).CopyTo(new Span<byte>(state.Comm, 16));
            return ((uint)e.Key.Pid, state);
        }));
        _logger.LogDebug("seeded {Added} of {Count} running processes into process_states", added, running.Count);
    }

    public void Start(Action<IReadOnlyList<SourceEvent>> deliver)
    {
        _reader = new RingReader(_probe.EventsFd, deliver, _logger);
        _reader.Start();
    }

    public ProbeStatus? Status()
    {
        var s = _probe.ReadStats();
        WarnOnce(s.MapFull, ref _mapFullLogged,
            "process_states is full: {Count} new processes were not tracked; raise memgrowth.agent.max-processes");
        WarnOnce(s.RingDrops, ref _ringDropsLogged,
            "the ring buffer was full: {Count} events dropped; raise memgrowth.agent.ring-buffer (exits are recovered by the liveness sweep)");
        return new ProbeStatus(
            s.Hits, s.Samples, s.RingDrops, s.MapFull, s.Unattributed, s.Teardown, s.Exits, s.Flushes,
            BpfStatsEnabled(),
            Programs.ToDictionary(p => p, p =>
            {
                var (time, count) = _probe.ProgramRuntime(p);
                return new ProgramStatus(time, count);
            }),
            _reader?.EventsRead ?? 0,
            s.OomKills,
            _probe.OptionalProgramsMissing);
    }

    public void Dispose()
    {
        _reader?.Dispose();
        _probe.Dispose();
    }

    private void WarnOnce(ulong now, ref ulong logged, string message)
    {
        if (now > logged)
        {
            _logger.LogWarning(message, now - logged);
            logged = now;
        }
    }

    private static bool BpfStatsEnabled()
    {
        try
        {
            return File.ReadAllText("/proc/sys/kernel/bpf_stats_enabled").Trim() == "1";
        }
        catch (IOException)
        {
            return false;
        }
    }
}
