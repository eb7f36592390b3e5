namespace MemGrowth.Shared.Tests.Growth;

/// <summary>
/// Builds synthetic footprint series, one value per second, from segments that read like the workloads
/// in the methodology (flat, grow, step, free), optionally with uniform jitter.
/// </summary>
internal sealed class Trace
{
    public const double KiB = 1024;
    public const double MiB = 1024 * 1024;

    private readonly List<double> _levels = [];
    private double _level;

    public Trace(double baseline)
    {
        _level = baseline;
        _levels.Add(baseline);
    }

    public int Seconds => _levels.Count;

    public double Level => _level;

    /// <summary>Unchanged for <paramref name="seconds"/> more samples.</summary>
    public Trace Flat(int seconds)
    {
        for (int i = 0; i < seconds; i++)
        {
            _levels.Add(_level);
        }

        return this;
    }

    /// <summary>Grows by <paramref name="bytesPerSecond"/> in each of the next <paramref name="seconds"/> samples.</summary>
    public Trace Grow(double bytesPerSecond, int seconds)
    {
        for (int i = 0; i < seconds; i++)
        {
            _level += bytesPerSecond;
            _levels.Add(_level);
        }

        return this;
    }

    /// <summary>Next sample changes by <paramref name="bytes"/> (negative frees).</summary>
    public Trace Step(double bytes)
    {
        _level += bytes;
        _levels.Add(_level);
        return this;
    }

    /// <summary>Next sample returns to <paramref name="level"/>.</summary>
    public Trace To(double level) => Step(level - _level);

    /// <summary>Allocates <c>i × bytes</c> in second i, for i = 1..seconds.</summary>
    public Trace Accelerate(double bytes, int seconds)
    {
        for (int i = 1; i <= seconds; i++)
        {
            _level += i * bytes;
            _levels.Add(_level);
        }

        return this;
    }

    public Trace Repeat(int times, Action<Trace> body)
    {
        for (int i = 0; i < times; i++)
        {
            body(this);
        }

        return this;
    }

    /// <summary>The series, with uniform jitter in ±<paramref name="jitter"/> bytes drawn from <paramref name="seed"/>.</summary>
    public double[] Build(double jitter = 0, int seed = 1)
    {
        var random = new Random(seed);
        var values = new double[_levels.Count];
        for (int i = 0; i < values.Length; i++)
        {
            double noise = jitter > 0 ? ((random.NextDouble() * 2) - 1) * jitter : 0;
            values[i] = Math.Max(0, _levels[i] + noise);
        }

        return values;
    }
}
