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
/// before. Pure: state comes only from <see cref="Apply(TrendInput)"/> and <see cref="Retain"/>, time only from
/// the events and the caller. A leak closed longer than the history's retention is dropped by <see cref="Retain"/>
/// and lives on only in <see cref="Dropped"/>'s counts: the "ever" figures stay whole, the per-leak ones
/// (<see cref="Days"/>, <see cref="OpenedBetween"/>) reach back as far as the retention.
/// </summary>
public sealed record ServiceTrend(string Service, IReadOnlyDictionary<LeakId, TrendLeak> Leaks, DateTimeOffset FirstSeen, DateTimeOffset LastSeen)
{
    /// <summary>The span compared with the one before it to call a trend rising.</summary>
    public static readonly TimeSpan TrendWindow = TimeSpan.FromHours(24);

    /// <summary>
    /// A closed leak is dropped this long after the retention: a day's grace, so that a series of as many days
    /// as the retention is whole even where a host's clock runs hours ahead of the API's (event times are the hosts').
    /// </summary>
    public static readonly TimeSpan DropGrace = TimeSpan.FromDays(1);

    /// <summary>The leaks no longer held one by one (see <see cref="Retain"/>), as counts.</summary>
    public DroppedLeaks Dropped { get; init; } = DroppedLeaks.None;

    public static ServiceTrend Empty(string service) => new(service, ImmutableDictionary<LeakId, TrendLeak>.Empty, DateTimeOffset.MaxValue, DateTimeOffset.MinValue);

    /// <summary>No leak applied yet (none held, none dropped).</summary>
    public bool IsEmpty => Leaks.Count == 0 && Dropped.Processes == 0;

    public int OpenLeaks => Leaks.Values.Count(l => l.Open);

    /// <summary>Processes affected now: one open leak is one leaking process.</summary>
    public int ProcessesNow => OpenLeaks;

    /// <summary>Processes affected ever (a pid reused is another process, see <see cref="LeakId"/>).</summary>
    public int Processes => Leaks.Count + Dropped.Processes;

    public int HostsNow => Leaks.Values.Where(l => l.Open).Select(l => l.Leak.Host).Distinct(StringComparer.Ordinal).Count();

    public int HostsEver => Leaks.Keys.Select(l => l.Host).Concat(Dropped.Hosts).Distinct(StringComparer.Ordinal).Count();

    public int OomKills => Leaks.Values.Count(l => l.OomKilled) + Dropped.OomKills;

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
    /// The trend without the leaks closed more than <paramref name="retention"/> (plus <see cref="DropGrace"/>)
    /// before its latest event, counted into <see cref="Dropped"/>; the same trend when there is none. Driven by
    /// event time alone, so a replay of the same events drops the same leaks. Open leaks are never dropped.
    /// A dropped leak's sequence numbers go with it: its events, if sent again, count it again (a projection
    /// only resends its last batch, which holds no event that old).
    /// </summary>
    public ServiceTrend Retain(TimeSpan retention)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(retention, TimeSpan.Zero);
        if (Leaks.Count == 0)
        {
            return this;
        }

        var before = LastSeen - retention - DropGrace;
        var stale = Leaks.Values.Where(l => !l.Open && l.LastSeen < before).ToList();
        if (stale.Count == 0)
        {
            return this;
        }

        var dropped = Dropped;
        foreach (var leak in stale.OrderBy(l => l.Leak.ToString(), StringComparer.Ordinal))
        {
            dropped = dropped.Add(leak);
        }

        var leaks = Leaks as ImmutableDictionary<LeakId, TrendLeak> ?? Leaks.ToImmutableDictionary();
        return this with { Leaks = leaks.RemoveRange(stale.Select(l => l.Leak)), Dropped = dropped };
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
            // A leak dropped by Retain (resolved, then quiet past the retention) that grows again: back, opened anew.
            LeakReported { Reopened: true } r when known is null && Dropped.Processes > 0 => new TrendLeak(
                r.Leak, r.Time, r.Time, r.Report.BytesPerSecond, r.Report.SecondsToLimit, Open: true, OomKilled: false, LastReport: r.Report.Time),
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
            Dropped = known is null && e is LeakReported ? Dropped with { Processes = Dropped.Processes - 1 } : Dropped, // counted once, held again
            FirstSeen = e.Time < FirstSeen ? e.Time : FirstSeen,
            LastSeen = e.Time > LastSeen ? e.Time : LastSeen,
        };
    }

    private static ImmutableDictionary<LeakId, TrendLeak> SetLeak(IReadOnlyDictionary<LeakId, TrendLeak> leaks, TrendLeak leak) =>
        (leaks as ImmutableDictionary<LeakId, TrendLeak> ?? leaks.ToImmutableDictionary()).SetItem(leak.Leak, leak);

    private static DateOnly DayOf(DateTimeOffset time) => DateOnly.FromDateTime(time.UtcDateTime);

    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;
}
