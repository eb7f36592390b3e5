namespace MemGrowth.Shared.Growth;

/// <summary>
/// The recent footprint series of one process, bounded in time, on a roughly regular grid.
/// The kernel only reports a process when its footprint moved by the minimum delta, so a gap in the samples
/// means "unchanged": gaps are filled with flat points one step apart, and those guesses are replaced if a
/// late sample for that time turns up. Samples closer than half a step are merged (the latest wins), so the
/// window never holds more than two points per step and the analysis cost stays bounded.
/// Points are stored contiguously so the analysis can read them as spans without copying.
/// </summary>
internal sealed class GrowthWindow
{
    private readonly double _windowSeconds;
    private readonly double _step;
    private readonly double[] _times;
    private readonly double[] _values;
    private readonly bool[] _filled;
    private int _start;
    private int _count;

    // Creation time of the last point: samples within half a step of it merge into it. Anchoring on the
    // creation time (not the latest merged sample) stops fast samples from merging forever.
    private double _anchor;
    private double _lastRealTime = double.NegativeInfinity;

    public GrowthWindow(double windowSeconds, double stepSeconds)
    {
        _windowSeconds = windowSeconds;
        _step = stepSeconds;
        Capacity = (int)Math.Ceiling(2 * windowSeconds / stepSeconds) + 4;

        // Twice the capacity so eviction only moves an index; the live points are compacted to the front
        // when the end is reached, which costs O(1) amortised per point.
        _times = new double[2 * Capacity];
        _values = new double[2 * Capacity];
        _filled = new bool[2 * Capacity];
    }

    /// <summary>Most points the window can hold.</summary>
    public int Capacity { get; }

    public int Count => _count;

    public ReadOnlySpan<double> Times => _times.AsSpan(_start, _count);

    public ReadOnlySpan<double> Values => _values.AsSpan(_start, _count);

    public double LastTime => _count == 0 ? double.NaN : _times[_start + _count - 1];

    /// <summary>For each point, true when it was filled in for a gap, not sampled.</summary>
    public ReadOnlySpan<bool> Filled => _filled.AsSpan(_start, _count);

    /// <summary>True when the point at <paramref name="index"/> was filled in for a gap, not sampled.</summary>
    public bool IsFilled(int index) => _filled[_start + index];

    /// <summary>Adds a sample; returns false (and ignores it) when it is older than the latest real sample.</summary>
    public bool Add(double time, double value)
    {
        if (time < _lastRealTime)
        {
            return false;
        }

        _lastRealTime = time;

        // Filled points after this sample were guesses made before it arrived; the sample supersedes them.
        while (_count > 0 && _filled[_start + _count - 1] && _times[_start + _count - 1] > time)
        {
            _count--;
            _anchor = _count > 0 ? _times[_start + _count - 1] : 0;
        }

        if (_count > 0)
        {
            int last = _start + _count - 1;
            if (time - _anchor < _step / 2)
            {
                _times[last] = time;
                _values[last] = value;
                _filled[last] = false;
                return true;
            }

            FillUpTo(time - (_step / 2));
        }

        Append(time, value, filled: false);
        _anchor = time;
        Evict(time);
        return true;
    }

    /// <summary>Time passed with no sample: the footprint stayed where it was. Returns true if points were added.</summary>
    public bool AdvanceTo(double now)
    {
        if (_count == 0)
        {
            return false;
        }

        int before = _count;
        FillUpTo(now + (_step * 1e-9));
        if (_count == before)
        {
            return false;
        }

        Evict(LastTime);
        return true;
    }

    private void FillUpTo(double limit)
    {
        int last = _start + _count - 1;
        double lastTime = _times[last];
        double lastValue = _values[last];
        double steps = Math.Floor((limit - lastTime) / _step);
        if (steps < 1)
        {
            return;
        }

        // After a gap longer than the window only the last window's worth of flat points matters.
        double first = Math.Max(1, steps - Math.Floor(_windowSeconds / _step));
        for (double j = first; j <= steps; j++)
        {
            double t = lastTime + (j * _step);
            Append(t, lastValue, filled: true);
            _anchor = t;
        }
    }

    private void Append(double time, double value, bool filled)
    {
        if (_count == Capacity)
        {
            // Only reachable with merged points spaced exactly half a step apart; drop the oldest.
            _start++;
            _count--;
        }

        if (_start + _count == _times.Length)
        {
            Array.Copy(_times, _start, _times, 0, _count);
            Array.Copy(_values, _start, _values, 0, _count);
            Array.Copy(_filled, _start, _filled, 0, _count);
            _start = 0;
        }

        int at = _start + _count;
        _times[at] = time;
        _values[at] = value;
        _filled[at] = filled;
        _count++;
    }

    private void Evict(double latest)
    {
        double oldest = latest - _windowSeconds;
        while (_count > 1 && _times[_start] < oldest)
        {
            _start++;
            _count--;
        }
    }
}
