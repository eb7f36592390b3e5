using System.Runtime.InteropServices;
using MemGrowth.NodeAgent.Probe.Native;
using MemGrowth.Shared.Fleet;
using Microsoft.Extensions.Logging;

namespace MemGrowth.NodeAgent.Probe;

/// <summary>
/// The loader for bpf/memgrowth.bpf.c, in four steps: <see cref="Open"/> → <see cref="Configure"/> →
/// <see cref="Load"/> → <see cref="Attach"/>. Each failure throws a <see cref="ProbeException"/> that
/// says what to do. Every native handle is owned here and released by <see cref="Dispose"/>.
/// </summary>
internal sealed unsafe class MemGrowthProbe : IDisposable
{
    private static readonly string[] TracingPrograms = ["on_rss_stat", "on_process_exit", "on_process_exec"];
    private const string FlushProgram = "on_flush_tick";

    /// <summary>Optional: an OOM kill says how a leak ended, but the probe is whole without it.</summary>
    private const string OomProgram = "on_oom_kill";
    private const string OomTracepoint = "oom/mark_victim";

    private readonly BpfObjectHandle _object;
    private readonly ProbeSettings _settings;
    private readonly ILogger _logger;
    private readonly List<BpfLinkHandle> _links = [];
    private bool _loaded;
    private bool _oomLoaded;

    private MemGrowthProbe(BpfObjectHandle obj, ProbeSettings settings, ILogger logger)
    {
        _object = obj;
        _settings = settings;
        _logger = logger;
    }

    public int EventsFd => MapFd("events");

    public int StatesFd => MapFd("process_states");

    public int StatsFd => MapFd("stats");

    /// <summary>Optional programs left out or not attached (each with a warning): today only <see cref="OomProgram"/>.</summary>
    public int OptionalProgramsMissing { get; private set; }

    /// <summary>Whether OOM kills are reported (oom:mark_victim attached).</summary>
    public bool OomKillsAttached { get; private set; }

    public static MemGrowthProbe Open(ProbeSettings settings, ILogger logger)
    {
        settings.Validate();
        Preflight.Check(settings.ObjectPath);
        LibbpfLog.RouteTo(logger);

        var raw = Libbpf.ObjectOpenFile(settings.ObjectPath, IntPtr.Zero);
        if (raw == IntPtr.Zero)
        {
            throw new ProbeException("open", Marshal.GetLastPInvokeError(),
                $"libbpf could not open {settings.ObjectPath}: rebuild it with ./memgrowth build");
        }

        return new MemGrowthProbe(new BpfObjectHandle(raw), settings, logger);
    }

    public void Configure()
    {
        SetMaxEntries("process_states", _settings.MaxProcesses);
        SetMaxEntries("events", _settings.RingBufferBytes);

        var hz = KernelHz.Detect();
        var config = new MgConfig
        {
            IntervalJiffies = (ulong)Math.Max(1, Math.Round(_settings.Interval.TotalSeconds * hz)),
            MinDeltaPages = _settings.MinDeltaBytes / Environment.SystemPageSize,
            WakeupBytes = Math.Min(64 * 1024UL, _settings.RingBufferBytes / 8UL),
        };
        var map = Map(".rodata.config");
        var data = Libbpf.MapInitialValue(map, out var size);
        if (data == IntPtr.Zero || size < (nuint)sizeof(MgConfig))
        {
            throw new ProbeException("configure", 0,
                $"the probe's settings section is {size} bytes, expected {sizeof(MgConfig)}: the object does not match this agent; rebuild");
        }

        *(MgConfig*)data = config;

        // A program whose tracepoint the kernel lacks would fail the whole load: leave it out up front.
        _oomLoaded = Preflight.HasTracepoint(OomTracepoint);
        if (!_oomLoaded)
        {
            Libbpf.ProgramSetAutoload(Program(OomProgram), false);
            MissOptional($"the kernel has no {OomTracepoint.Replace('/', ':')} tracepoint (or tracefs is not mounted): OOM kills are reported as plain exits");
        }
        _logger.LogDebug("probe settings: HZ {Hz}, interval {Jiffies} jiffies, min delta {Pages} pages",
            hz, config.IntervalJiffies, config.MinDeltaPages);
    }

    public void Load()
    {
        if (Libbpf.ObjectLoad(_object.DangerousGetHandle()) != 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            var hint = errno switch
            {
                1 or 13 => "the kernel refused: run as root or with CAP_BPF + CAP_PERFMON (and check kernel.unprivileged_bpf_disabled / lockdown)",
                7 => "a map is too large for the memlock limit or the kernel: lower --max-processes or the ring buffer size",
                _ => "the kernel rejected the probe (the verifier's log is above at debug level): this needs kernel ≥ 5.13 with BTF and the rss_stat tracepoint; run with --source procfs otherwise",
            };
            throw new ProbeException("load", errno, hint);
        }

        _loaded = true;
    }

    public void Attach()
    {
        if (!_loaded)
        {
            throw new InvalidOperationException("Attach before Load");
        }

        foreach (var name in TracingPrograms)
        {
            var link = Libbpf.ProgramAttach(Program(name));
            if (link == IntPtr.Zero)
            {
                var errno = Marshal.GetLastPInvokeError();
                throw new ProbeException("attach", errno, name == "on_rss_stat"
                    ? "cannot attach to the kmem:rss_stat tracepoint: it needs kernel ≥ 5.13 with BTF; run with --source procfs otherwise"
                    : $"cannot attach {name}");
            }

            _links.Add(new BpfLinkHandle(link));
        }

        AttachFlushTimer();
        AttachOomKill();
    }

    /// <summary>Every entry of process_states: how user space learns what the kernel already tracks.</summary>
    public List<(uint Tgid, MgState State)> ReadStates()
    {
        var result = new List<(uint, MgState)>();
        var fd = StatesFd;
        uint key = 0, next = 0;
        var hasKey = false;
        MgState value;
        while (Libbpf.MapGetNextKey(fd, hasKey ? &key : null, &next) == 0)
        {
            if (Libbpf.MapLookupElem(fd, &next, &value) == 0)
            {
                result.Add((next, value));
            }

            key = next;
            hasKey = true;
        }

        return result;
    }

    /// <summary>
    /// Adds processes user space found in /proc (and the kernel has not seen change yet) to
    /// process_states, so their exit is reported by the kernel like any other. Entries the kernel
    /// already holds are left alone. Returns how many were added.
    /// </summary>
    public int Seed(IEnumerable<(uint Tgid, MgState State)> processes)
    {
        const ulong noExist = 1; // BPF_NOEXIST
        var fd = StatesFd;
        var added = 0;
        foreach (var (tgid, state) in processes)
        {
            var key = tgid;
            var value = state;
            if (Libbpf.MapUpdateElem(fd, &key, &value, noExist) == 0)
            {
                added++;
            }
        }

        return added;
    }

    /// <summary>The per-CPU stats, summed over CPUs.</summary>
    public MgStats ReadStats() => ReadStats(StatsFd);

    public static MgStats ReadStats(int statsFd)
    {
        var cpus = Libbpf.NumPossibleCpus();
        var perCpu = new MgCpu[Math.Max(cpus, 1)];
        uint key = 0;
        fixed (MgCpu* values = perCpu)
        {
            if (Libbpf.MapLookupElem(statsFd, &key, values) != 0)
            {
                return default;
            }
        }

        var sum = default(MgStats);
        foreach (var cpu in perCpu)
        {
            var s = cpu.Stats;
            sum.Hits += s.Hits;
            sum.Samples += s.Samples;
            sum.RingDrops += s.RingDrops;
            sum.MapFull += s.MapFull;
            sum.Unattributed += s.Unattributed;
            sum.Teardown += s.Teardown;
            sum.Exits += s.Exits;
            sum.Flushes += s.Flushes;
            sum.OomKills += s.OomKills;
        }

        return sum;
    }

    /// <summary>Kernel BPF statistics (only counted while kernel.bpf_stats_enabled = 1).</summary>
    public (ulong RunTimeNs, ulong RunCount) ProgramRuntime(string name) => ProgramRuntime(Libbpf.ProgramFd(Program(name)));

    public static (ulong RunTimeNs, ulong RunCount) ProgramRuntime(int progFd)
    {
        // struct bpf_prog_info: run_time_ns at 192, run_cnt at 200 (uapi, stable); checked by a layout test.
        var info = stackalloc byte[256];
        new Span<byte>(info, 256).Clear();
        uint len = 232;
        if (Libbpf.ProgGetInfoByFd(progFd, info, ref len) != 0)
        {
            return (0, 0);
        }

        return (*(ulong*)(info + 192), *(ulong*)(info + 200));
    }

    public void Dispose()
    {
        foreach (var link in _links)
        {
            link.Dispose();
        }

        _links.Clear();
        _object.Dispose();
    }

    private void AttachFlushTimer()
    {
        var periodNs = (ulong)_settings.Interval.TotalNanoseconds;
        var fd = Libc.OpenCpuClockTimer(cpu: 0, periodNs);
        if (fd < 0)
        {
            // Not fatal: samples still flow on the leading edge; only quiet processes report late.
            _logger.LogWarning("cannot open the flush timer (perf_event_open errno {Errno}): a process's last change before it goes quiet is reported at its next change",
                Marshal.GetLastPInvokeError());
            return;
        }

        var link = Libbpf.ProgramAttachPerfEvent(Program(FlushProgram), fd);
        if (link == IntPtr.Zero)
        {
            var errno = Marshal.GetLastPInvokeError();
            Libc.Close(fd);
            _logger.LogWarning("cannot attach the flush timer (errno {Errno})", errno);
            return;
        }

        _links.Add(new BpfLinkHandle(link));
    }

    private void AttachOomKill()
    {
        if (!_oomLoaded)
        {
            return;
        }

        var link = Libbpf.ProgramAttach(Program(OomProgram));
        if (link == IntPtr.Zero)
        {
            MissOptional($"cannot attach to {OomTracepoint.Replace('/', ':')} (errno {Marshal.GetLastPInvokeError()}): OOM kills are reported as plain exits");
            return;
        }

        _links.Add(new BpfLinkHandle(link));
        OomKillsAttached = true;
    }

    private void MissOptional(string warning)
    {
        OptionalProgramsMissing++;
        _logger.LogWarning("{Warning}", warning);
    }

    private IntPtr Map(string name)
    {
        var map = Libbpf.FindMap(_object.DangerousGetHandle(), name);
        return map != IntPtr.Zero ? map : throw new ProbeException("configure", 2, $"the probe has no map {name}: rebuild it");
    }

    private int MapFd(string name) => Libbpf.MapFd(Map(name));

    private IntPtr Program(string name)
    {
        var prog = Libbpf.FindProgram(_object.DangerousGetHandle(), name);
        return prog != IntPtr.Zero ? prog : throw new ProbeException("attach", 2, $"the probe has no program {name}: rebuild it");
    }

    private void SetMaxEntries(string mapName, uint entries)
    {
        if (Libbpf.MapSetMaxEntries(Map(mapName), entries) != 0)
        {
            throw new ProbeException("configure", Marshal.GetLastPInvokeError(), $"cannot size map {mapName} to {entries}");
        }
    }
}
