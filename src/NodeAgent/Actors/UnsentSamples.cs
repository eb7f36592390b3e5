using MemGrowth.Shared.Growth;

namespace MemGrowth.NodeAgent.Actors;

/// <summary>
/// A tracker's recent real samples (not the flat points its window assumes for gaps) that no detection
/// carried yet: a detection takes those from a time on, thinned evenly to a bound, and every sample up to
/// it counts as sent, so the next detection carries only what came after. Bounded in time (the growth
/// window) and in count; it grows with the samples that come, so a quiet process holds a handful.
/// Pure, one owner.
/// </summary>
internal sealed class UnsentSamples
{
    /// <summary>Most samples one detection carries (about 6 KB on the wire): two minutes at one a second.</summary>
    public const int MaxPerDetection = 120;

    private const int InitialCapacity = 8;

    private readonly double _keepSeconds;
    private readonly int _capacity;
    private RssSample[] _ring = new RssSample[InitialCapacity];
    private int _head;
    private int _count;

    /// <param name="keepSeconds">Samples older than this behind the newest are dropped (the growth window).</param>
    /// <param name="capacity">Most samples held; the oldest go first.</param>
    public UnsentSamples(double keepSeconds, int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(keepSeconds);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capacity);
        _keepSeconds = keepSeconds;
        _capacity = capacity;
    }

    /// <summary>A new sample, no older than the ones before it (the tracker keeps them in order).</summary>
    public void Add(RssSample sample)
    {
        while (_count > 0 && _ring[_head].Time < sample.Time - _keepSeconds)
        {
            Drop();
        }

        if (_count == _capacity)
        {
            Drop();
        }
        else if (_count == _ring.Length)
        {
            Grow();
        }

        _ring[(_head + _count) % _ring.Length] = sample;
        _count++;
    }

    /// <summary>
    /// The samples held at or after <paramref name="from"/>, oldest first, at most <paramref name="max"/>
    /// (evenly thinned, keeping the first and the newest); all held samples count as taken afterwards.
    /// </summary>
    public IReadOnlyList<RssSample> Take(double from, int max = MaxPerDetection)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(max, 2);
        var skip = 0;
        while (skip < _count && !(At(skip).Time >= from))
        {
            skip++;
        }

        var n = _count - skip;
        var taken = new RssSample[Math.Min(n, max)];
        for (var i = 0; i < taken.Length; i++)
        {
            taken[i] = At(skip + Thinned(i, n, max));
        }

        _head = 0;
        _count = 0;
        if (_ring.Length > 8 * InitialCapacity)
        {
            _ring = new RssSample[InitialCapacity]; // a long first detection's backlog need not stay allocated
        }

        return taken;
    }

    /// <summary>The index of the <paramref name="i"/>-th of <paramref name="max"/> points spread evenly over <paramref name="n"/>, ends included.</summary>
    internal static int Thinned(int i, int n, int max) =>
        n <= max ? i : (int)Math.Round((double)i * (n - 1) / (max - 1), MidpointRounding.AwayFromZero);

    private RssSample At(int i) => _ring[(_head + i) % _ring.Length];

    private void Drop()
    {
        _head = (_head + 1) % _ring.Length;
        _count--;
    }

    private void Grow()
    {
        var bigger = new RssSample[Math.Min(_ring.Length * 2, _capacity)];
        for (var i = 0; i < _count; i++)
        {
            bigger[i] = At(i);
        }

        _ring = bigger;
        _head = 0;
    }
}
