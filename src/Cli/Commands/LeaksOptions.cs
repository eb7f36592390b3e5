using System.Globalization;
using MemGrowth.Analytics.Leaks;
using MemGrowth.Analytics.ReadModel;

namespace MemGrowth.Cli.Commands;

/// <summary>What <c>memgrowth leaks</c> is told, checked (by <see cref="LeaksCommand"/>).</summary>
/// <param name="Since">Only leaks last seen (reported, resolved or ended) within this long before now.</param>
/// <param name="HistoryRetention">The configured retention (the node applies it; `leaks` only reads).</param>
internal sealed record LeaksOptions(string DataDir, string? Host, string? Service, TimeSpan? Since, LeakStatus[]? Statuses, bool Json, TimeSpan HistoryRetention)
{
    /// <summary>The read-model filter these options stand for at <paramref name="now"/>: every leak that matches, however many.</summary>
    public LeakFilter ToFilter(DateTimeOffset now) =>
        new(Host, Service, Since is { } since ? (since < now - DateTimeOffset.MinValue ? now - since : DateTimeOffset.MinValue) : null, Statuses, LeakFilter.MaxLimit);

    /// <summary>The same filter as a query of the history API's /api/leaks (which takes one status word and a whole-second span).</summary>
    public string ToQuery()
    {
        var query = new List<string> { "limit=" + LeakFilter.MaxLimit.ToString(CultureInfo.InvariantCulture) };
        if (Host is not null)
        {
            query.Add("host=" + Uri.EscapeDataString(Host));
        }

        if (Service is not null)
        {
            query.Add("service=" + Uri.EscapeDataString(Service));
        }

        if (Since is { } since)
        {
            query.Add("since=" + Math.Ceiling(since.TotalSeconds).ToString("0", CultureInfo.InvariantCulture) + "s");
        }

        if (Statuses is { Length: > 0 } statuses)
        {
            query.Add("status=" + statuses[0] switch
            {
                LeakStatus.Suspected or LeakStatus.Confirmed => "open",
                LeakStatus.Resolved => "resolved",
                LeakStatus.Exited => "exited",
                _ => "oom",
            });
        }

        return "/api/leaks?" + string.Join('&', query);
    }
}
