using System.Collections.Immutable;
using MemGrowth.Shared.Messages;

namespace MemGrowth.Analytics.Trends;

/// <summary>The latest word on one leak of a service, as the trend keeps it.</summary>
/// <param name="LastSequenceNr">The leak entity's journal sequence number of the latest event applied (0: fed without one).</param>
/// <param name="LastReport">Time of the report behind <see cref="BytesPerSecond"/> and <see cref="SecondsToLimit"/>, when known.</param>
public sealed record TrendLeak(
    LeakId Leak,
    DateTimeOffset Opened,
    DateTimeOffset LastSeen,
    double BytesPerSecond,
    double? SecondsToLimit,
    bool Open,
    bool OomKilled,
    long LastSequenceNr = 0,
    DateTimeOffset? LastReport = null);

/// <summary>
/// What one service (see <see cref="Leaks.ServiceKey"/>) leaks across the fleet, built from its leaks'
/// events: hosts and processes affected now and ever (and per day, <see cref="Days"/>), the growth-rate
/// distribution of the open leaks, first and last seen, OOM kills, and whether leaks are opening faster than
/// before. Pure: state comes only from <see cref="Apply(TrendInput)"/>, time only from the events and the caller.
/// </summary>
public sealed record ServiceTrend(string Service, IReadOnlyDictionary<LeakId, TrendLeak> Leaks, DateTimeOffset FirstSeen, DateTimeOffset LastSeen)
{
    /// <summary>The span compared with the one before it to call a trend rising.</summary>
    public static readonly TimeSpan TrendWindow = TimeSpan.FromHours(24);

    public static ServiceTrend Empty(string service) => new(service, ImmutableDictionary<LeakId, TrendLeak>.Empty, DateTimeOffset.MaxValue, DateTimeOffset.MinValue);

    /// <summary>No leak applied yet.</summary>
    public bool IsEmpty => Leaks.Count == 0;

    public int OpenLeaks => Leaks.Values.Count(l => l.Open);

    /// <summary>Processes affected now: one open leak is one leaking process.</summary>
    public int ProcessesNow => OpenLeaks;

    /// <summary>Processes affected ever (a pid reused is another process, see <see cref="LeakId"/>).</summary>
    public int Processes => Leaks.Count;

    public int HostsNow => Leaks.Values.Where(l => l.Open).Select(l => l.Leak.Host).Distinct(StringComparer.Ordinal).Count();

    public int HostsEver => Leaks.Keys.Select(l => l.Host).Distinct(StringComparer.Ordinal).Count();

    public int OomKills => Leaks.Values.Count(l => l.OomKilled);

    /// <summary>The open leaks' rates, lowest first.</summary>
    public IReadOnlyList<double> OpenRates => [.. Leaks.Values.Where(l => l.Open).Select(l => l.BytesPerSecond).Order()];

    /// <summary>The distribution of the open leaks' rates.</summary>
    public RateDistribution Rates => RateDistribution.Of(OpenRates);

    /// <summary>The open leak that reaches its memory limit soonest if its growth goes on as reported, if any has a limit.</summary>
    public TrendLeak? SoonestToLimit => Leaks.Values
        .Where(l => l.Open && l.SecondsToLimit is not null)
        .MinBy(l => TimeToLimit.ReachedAt(l.SecondsToLimit!.Value, l.LastReport ?? l.LastSeen));

    /// <summary>How many leaks opened in (<paramref name="from"/>, <paramref name="to"/>].</summary>
    public int OpenedBetween(DateTimeOffset from, DateTimeOffset to) => Leaks.Values.Count(l => l.Opened > from && l.Opened <= to);

    /// <summary>More leaks opened in the last <see cref="TrendWindow"/> before <paramref name="now"/> than in the one before it.</summary>
    public bool IsRising(DateTimeOffset now) => OpenedBetween(now - TrendWindow, now) > OpenedBetween(now - (2 * TrendWindow), now - TrendWindow);

    /// <summary>
    /// The <paramref name="count"/> UTC days up to <paramref name="last"/>, oldest first: per day, the hosts and
    /// processes a leak was seen on (from its opening to its latest event), the leaks opened and the OOM kills.
    /// </summary>
    public IReadOnlyList<TrendDay> Days(DateOnly last, int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        var days = new List<TrendDay>(count);
        for (var day = last.AddDays(1 - count); day <= last; day = day.AddDays(1))
        {
            var seen = Leaks.Values.Where(l => DayOf(l.Opened) <= day && day <= DayOf(l.LastSeen)).ToList();
            days.Add(new TrendDay(
                day,
                seen.Select(l => l.Leak.Host).Distinct(StringComparer.Ordinal).Count(),
                seen.Count,
                seen.Count(l => DayOf(l.Opened) == day),
                seen.Count(l => l.OomKilled && DayOf(l.LastSeen) == day)));
        }

        return days;
    }

    /// <summary>
    /// The inputs that would change this trend, in order: the first sight of each leak event (by the leak's
    /// sequence number). A resend, whole or in part, yields nothing; so do events of a leak never seen opened.
    /// </summary>
    public IReadOnlyList<TrendInput> Unseen(IEnumerable<TrendInput> inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var unseen = new List<TrendInput>();
        var trend = this;
        foreach (var input in inputs)
        {
            var next = trend.Apply(input);
            if (!ReferenceEquals(next, trend))
            {
                unseen.Add(input);
                trend = next;
            }
        }

        return unseen;
    }

    /// <summary>The trend after <paramref name="input"/>; the same trend when its leak's sequence number was applied already.</summary>
    public ServiceTrend Apply(TrendInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (Leaks.TryGetValue(input.Event.Leak, out var known) && input.SequenceNr <= known.LastSequenceNr)
        {
            return this;
        }

        var next = Apply(input.Event);
        return ReferenceEquals(next, this)
            ? this
            : next with { Leaks = SetLeak(next.Leaks, next.Leaks[input.Event.Leak] with { LastSequenceNr = input.SequenceNr }) };
    }

    /// <summary>The trend after <paramref name="e"/>, without sequence numbers: a duplicate is applied again.</summary>
    public ServiceTrend Apply(LeakEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        Leaks.TryGetValue(e.Leak, out var known);
        TrendLeak? next = e switch
        {
            LeakOpened o => new TrendLeak(o.Leak, o.Time, o.Time, o.Report.BytesPerSecond, o.Report.SecondsToLimit, Open: true, OomKilled: false, LastReport: o.Report.Time),
            LeakReported r when known is not null => known with
            {
                LastSeen = r.Time, BytesPerSecond = r.Report.BytesPerSecond, SecondsToLimit = r.Report.SecondsToLimit, Open = true, LastReport = r.Report.Time,
            },
            LeakResolved r when known is not null => known with { LastSeen = r.Time, Open = false },
            LeakEnded end when known is not null => known with { LastSeen = Max(known.LastSeen, end.Time), Open = false, OomKilled = known.OomKilled || end.How == LeakEnd.OomKilled },
            _ => known,
        };
        if (next is null)
        {
            return this;
        }

        return this with
        {
            Leaks = SetLeak(Leaks, next),
            FirstSeen = e.Time < FirstSeen ? e.Time : FirstSeen,
            LastSeen = e.Time > LastSeen ? e.Time : LastSeen,
        };
    }

    private static ImmutableDictionary<LeakId, TrendLeak> SetLeak(IReadOnlyDictionary<LeakId, TrendLeak> leaks, TrendLeak leak) =>
        (leaks as ImmutableDictionary<LeakId, TrendLeak> ?? leaks.ToImmutableDictionary()).SetItem(leak.Leak, leak);

    private static DateOnly DayOf(DateTimeOffset time) => DateOnly.FromDateTime(time.UtcDateTime);

    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;
}
