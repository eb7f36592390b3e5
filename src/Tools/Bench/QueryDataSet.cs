using System.Globalization;
using MemGrowth.Analytics.Leaks;
using MemGrowth.Analytics.ReadModel;
using MemGrowth.Shared.Growth;
using MemGrowth.Shared.Messages;

namespace MemGrowth.Tools.Bench;

/// <summary>
/// The synthetic history `memgrowth bench query` stores: leaks on random hosts and services, opened at
/// random times over the 7 days before <see cref="Now"/>, each with its share of the detections (report
/// rows) evenly spaced from its opening to its latest report, and a status mix of open and ended leaks.
/// Seeded, so two runs store the same rows.
/// </summary>
internal sealed class QueryDataSet
{
    public static readonly TimeSpan Span = TimeSpan.FromDays(7);

    private QueryDataSet(DateTimeOffset now, IReadOnlyList<LeakRow> leaks, int detections)
    {
        Now = now;
        Leaks = leaks;
        Detections = detections;
    }

    /// <summary>The end of the history: no row is newer.</summary>
    public DateTimeOffset Now { get; }

    public IReadOnlyList<LeakRow> Leaks { get; }

    public int Detections { get; }

    public static QueryDataSet Generate(QueryOptions options, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(options);
        var random = new Random(options.Seed);
        var leaks = new LeakRow[options.Leaks];
        for (var i = 0; i < leaks.Length; i++)
        {
            var reports = (options.Detections / options.Leaks) + (i < options.Detections % options.Leaks ? 1 : 0);
            leaks[i] = Leak(random, options, now, i, reports);
        }

        return new QueryDataSet(now, leaks, options.Detections);
    }

    public static string HostName(int n) => string.Create(CultureInfo.InvariantCulture, $"host-{n:D4}");

    public static string ServiceName(int n) => string.Create(CultureInfo.InvariantCulture, $"service-{n:D4}");

    /// <summary>Every leak's reports, oldest first within a leak: sequence numbers 1…reports, the first a detection.</summary>
    public IEnumerable<ReportRow> Reports()
    {
        foreach (var leak in Leaks)
        {
            var first = leak.Opened;
            var step = leak.Reports > 1 ? (leak.Latest.Time - first) / (leak.Reports - 1) : TimeSpan.Zero;
            for (var j = 0; j < leak.Reports; j++)
            {
                var rss = leak.Latest.RssBytes - ((leak.Reports - 1 - j) * (long)(leak.Latest.BytesPerSecond * step.TotalSeconds));
                yield return new ReportRow(leak.PersistenceId, j + 1, j == 0 ? ReportKind.Detected : ReportKind.Updated, first + (step * j),
                    leak.Latest.Pattern, leak.Latest.BytesPerSecond, leak.Latest.Confidence, Math.Max(rss, 1L << 20), leak.Latest.MemoryLimitBytes,
                    leak.Latest.SecondsToLimit);
            }
        }
    }

    private static LeakRow Leak(Random random, QueryOptions options, DateTimeOffset now, int n, int reports)
    {
        var id = new LeakId(HostName(random.Next(options.Hosts)), 1000 + n, (ulong)random.NextInt64(1, 1L << 40));
        var service = ServiceName(random.Next(options.Services));
        var opened = now - (Span * random.NextDouble());
        var latest = opened + ((now - opened) * random.NextDouble());
        var status = random.NextDouble() switch
        {
            < 0.25 => LeakStatus.Suspected,
            < 0.45 => LeakStatus.Confirmed,
            < 0.75 => LeakStatus.Resolved,
            < 0.95 => LeakStatus.Exited,
            _ => LeakStatus.OomKilled,
        };

        // The event after the latest report, if any, comes within the minute and never after now.
        var after = Min(now, latest + TimeSpan.FromSeconds(random.Next(1, 60)));
        DateTimeOffset? confirmed = status == LeakStatus.Confirmed || (status != LeakStatus.Suspected && random.Next(2) == 0)
            ? opened + ((latest - opened) / 2)
            : null;
        DateTimeOffset? ended = status is LeakStatus.Exited or LeakStatus.OomKilled ? after : null;
        var lastSeen = status is LeakStatus.Suspected or LeakStatus.Confirmed ? latest : after;
        var events = reports + (confirmed is null ? 0 : 1) + (lastSeen == latest ? 0 : 1);
        var pattern = random.Next(4) == 0 ? GrowthPattern.Accelerating : GrowthPattern.Linear;
        var rate = random.Next(1, 64) * 16_384.0;
        var rss = (256L << 20) + (long)(rate * (latest - opened).TotalSeconds);
        long? limit = random.Next(3) == 0 ? null : rss + (1L << 30);
        var report = new LeakReport(latest, pattern, rate, 0.5 + (random.NextDouble() / 2), rss, limit, limit is { } l ? (l - rss) / rate : null);
        var processStarted = opened - TimeSpan.FromMinutes(random.Next(1, 600));
        var comm = "worker-" + (n % 97).ToString(CultureInfo.InvariantCulture);
        return new LeakRow(LeakEntity.PersistenceIdOf(id), events, id, status, service, comm, $"/usr/bin/{comm} --shard {n % 13}",
            $"/system.slice/{service}.service", null, processStarted, opened, opened - TimeSpan.FromMinutes(2), confirmed, ended, lastSeen, 1,
            reports, report);
    }

    private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;
}
