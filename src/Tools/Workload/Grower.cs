using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using MemGrowth.NodeAgent.Sources;

namespace MemGrowth.Tools.Workload;

/// <summary>
/// <c>memgrowth grow</c>: grows real, resident memory in a known pattern, so the detector can be checked
/// against a leak whose true rate is known. Each second's growth is spread over ten steps, so a
/// sampler sees a steady slope rather than a staircase (bursts and one-off allocations excepted).
/// With --noise, a second region of the same kind jitters beside the pattern's; freeing one never
/// touches the other, so held_bytes stays the pattern's truth.
/// </summary>
public sealed class Grower : IDisposable
{
    private const int StepsPerSecond = 10;

    private readonly GrowerOptions _options;
    private readonly GrowthPlan _plan;
    private readonly TextWriter _stdout;
    private readonly ResidentMemory _memory;
    private readonly GrowthNoise? _noise;
    private readonly ResidentMemory? _noiseMemory;
    private readonly ProcfsReader _proc = new();

    public Grower(GrowerOptions options, TextWriter stdout)
    {
        _options = options;
        _plan = GrowthPlan.For(options);
        _stdout = stdout;
        _memory = new ResidentMemory(options.Memory);
        if (options.NoiseBytes > 0)
        {
            _noise = new GrowthNoise(options.NoiseBytes, options.Seed);
            try
            {
                _noiseMemory = new ResidentMemory(options.Memory);
            }
            catch
            {
                _memory.Dispose();
                throw;
            }
        }
    }

    public long NoiseBytes => _noiseMemory?.HeldBytes ?? 0;

    /// <summary>
    /// Runs the command: 0 after --duration (+ --hold) seconds or on SIGTERM/Ctrl-C (memory freed
    /// either way), 1 when memory cannot be had (said on <paramref name="stderr"/>).
    /// </summary>
    public static int Run(GrowerOptions options, TextWriter stdout, TextWriter stderr, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(stderr);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        // Stopping early is a normal end (a benchmark stops its growers); cancel the default
        // termination so the loop ends and frees its memory rather than dying mid-step.
        using var term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
        using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
        try
        {
            using var grower = new Grower(options, stdout);
            grower.Execute(stop.Token);
            return 0;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidOperationException or OutOfMemoryException)
        {
            stderr.WriteLine($"memgrowth grow: {e.Message}");
            return 1;
        }

        void Stop(PosixSignalContext context)
        {
            context.Cancel = true;
            stop.Cancel();
        }
    }

    /// <summary>
    /// Grows per the plan, after a start line, one report line per second, until the end or
    /// <paramref name="ct"/>. The line t=DurationSeconds is the last of the growth.
    /// </summary>
    public void Execute(CancellationToken ct)
    {
        if (_options.DelaySeconds > 0 && WaitUntil(Stopwatch.GetTimestamp(), _options.DelaySeconds, ct))
        {
            return;
        }

        var start = Stopwatch.GetTimestamp();
        Write($"pid={Environment.ProcessId} start mono={Mono(start):F3}");
        Report(0);
        var seconds = _options.DurationSeconds + _options.HoldSeconds;
        for (var second = 0; second < seconds; second++)
        {
            var step = second < _options.DurationSeconds ? _plan.Step(second, _memory.HeldBytes) : GrowthStep.None;
            if (step.Bytes < 0)
            {
                _memory.Free(-step.Bytes);
            }
            else if (step.AllAtOnce)
            {
                _memory.Grow(step.Bytes);
            }

            Jitter();
            for (var i = 0; i < StepsPerSecond; i++)
            {
                if (!step.AllAtOnce && step.Bytes > 0)
                {
                    _memory.Grow(Share(step.Bytes, i));
                }

                // An absolute schedule: a slow step delays the next, never the whole run.
                if (WaitUntil(start, second + ((i + 1.0) / StepsPerSecond), ct))
                {
                    return;
                }
            }

            Report(second + 1);
        }
    }

    public void Dispose()
    {
        _noiseMemory?.Dispose();
        _memory.Dispose();
    }

    /// <summary>The i-th of ten shares of <paramref name="bytes"/>; the shares add up to it exactly.</summary>
    internal static long Share(long bytes, int i) =>
        (bytes * (i + 1) / StepsPerSecond) - (bytes * i / StepsPerSecond);

    private static bool WaitUntil(long start, double seconds, CancellationToken ct)
    {
        var wait = TimeSpan.FromSeconds(seconds) - Stopwatch.GetElapsedTime(start);
        return wait > TimeSpan.Zero ? ct.WaitHandle.WaitOne(wait) : ct.IsCancellationRequested;
    }

    /// <summary>CLOCK_MONOTONIC seconds (what Stopwatch reads on Linux), the clock the agent's samples are scored on.</summary>
    private static double Mono(long timestamp) => timestamp / (double)Stopwatch.Frequency;

    /// <summary>Re-sizes the jitter region to this second's draw, at once.</summary>
    private void Jitter()
    {
        if (_noise is null || _noiseMemory is null)
        {
            return;
        }

        var change = _noise.NextBytes() - _noiseMemory.HeldBytes;
        if (change > 0)
        {
            _noiseMemory.Grow(change);
        }
        else if (change < 0)
        {
            _noiseMemory.Free(-change);
        }
    }

    private void Report(int second)
    {
        // Stamped at the middle of the read, so the first read's cold start does not skew it.
        var before = Stopwatch.GetTimestamp();
        var rss = _proc.ReadStatus(Environment.ProcessId)?.VmRssBytes ?? 0;
        var mono = Mono(before + ((Stopwatch.GetTimestamp() - before) / 2));
        Write($"t={second} held_bytes={_memory.HeldBytes} rss_bytes={rss} mono={mono:F3} noise_bytes={NoiseBytes}");
    }

    private void Write(FormattableString line)
    {
        _stdout.WriteLine(line.ToString(CultureInfo.InvariantCulture));
        _stdout.Flush();
    }
}
