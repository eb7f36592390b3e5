using System.Globalization;
using System.Net;
using MemGrowth.Analytics.ReadModel;
using MemGrowth.Analytics.Retention;
using MemGrowth.Analytics.Trends;
using MemGrowth.Shared.Messages;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace MemGrowth.Analytics.Api;

/// <summary>
/// The leak history over HTTP, read from the read model (JSON, snake_case):
/// <c>GET /api/leaks?host=&amp;service=&amp;since=24h&amp;status=open&amp;limit=</c>, <c>GET /api/leaks/{id}?reports=&amp;samples=</c>
/// (the leak id "host/pid/ticks", URL-escaped, with its newest reports and the newest samples behind them),
/// <c>GET /api/services</c> (each service's trend, from its trend entity when the node runs them),
/// <c>GET /api/services/{service}?days=30</c> (one service with its days) and <c>GET /api/top?limit=20</c>
/// (the open leaks soonest to their memory limit, fleet-wide). Kestrel on one address, 127.0.0.1 unless
/// told otherwise. Dispose to stop it.
/// </summary>
public sealed class HistoryApi : IAsyncDisposable
{
    public const string DefaultBind = "127.0.0.1";

    /// <summary>
    /// Days of a service's series unless ?days= says otherwise, and the most it may ask: no more than the
    /// history's retention (see <see cref="HistoryRetention.MaxDays"/>), since older closed leaks are no longer counted per day.
    /// </summary>
    public const int DefaultDays = 30;

    public const int MaxDays = 366;

    /// <summary>Leaks of /api/top unless ?limit= says otherwise.</summary>
    public const int DefaultTop = 20;

    private readonly WebApplication _app;

    private HistoryApi(WebApplication app, Uri address)
    {
        _app = app;
        Address = address;
    }

    /// <summary>Where it listens, with the port the system chose when asked for port 0.</summary>
    public Uri Address { get; }

    /// <exception cref="ArgumentException">The bind address is not an IP address, or the port is out of range.</exception>
    /// <exception cref="HistoryApiException">The address and port cannot be listened on (in use, not local, not allowed).</exception>
    public static Task<HistoryApi> StartAsync(ReadModelStore store, string bind, int port, CancellationToken ct) => StartAsync(store, null, bind, port, ct);

    /// <param name="trends">The trend entities to answer /api/services from; null to answer from the read model alone.</param>
    /// <exception cref="ArgumentException">The bind address is not an IP address, or the port is out of range.</exception>
    /// <exception cref="HistoryApiException">The address and port cannot be listened on (in use, not local, not allowed).</exception>
    public static Task<HistoryApi> StartAsync(ReadModelStore store, TrendQuery? trends, string bind, int port, CancellationToken ct) =>
        StartAsync(store, trends, bind, port, HistoryRetention.Default, ct);

    /// <param name="trends">The trend entities to answer /api/services from; null to answer from the read model alone.</param>
    /// <param name="retention">The history's retention: a service's series spans no more days than it.</param>
    /// <exception cref="ArgumentException">The bind address is not an IP address, or the port is out of range.</exception>
    /// <exception cref="HistoryApiException">The address and port cannot be listened on (in use, not local, not allowed).</exception>
    public static async Task<HistoryApi> StartAsync(ReadModelStore store, TrendQuery? trends, string bind, int port, TimeSpan retention, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(store);
        if (!IPAddress.TryParse(bind, out var address))
        {
            throw new ArgumentException($"the history API's bind address '{bind}' is not an IP address (e.g. 127.0.0.1, 0.0.0.0, ::1)", nameof(bind));
        }

        if (port is < 0 or > IPEndPoint.MaxPort)
        {
            throw new ArgumentOutOfRangeException(nameof(port), port, "a port is 0 (any free one) to 65535");
        }

        await store.InitializeAsync(ct).ConfigureAwait(false);
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(address, port));
        builder.Services.ConfigureHttpJsonOptions(o => ApiJson.Configure(o.SerializerOptions));
        var app = builder.Build();
        Map(app, new LeakQuery(store));
        MapTrends(app, new LeakQuery(store), trends, HistoryRetention.Check(retention));
        var endpoint = string.Create(CultureInfo.InvariantCulture, $"{(address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? $"[{address}]" : bind)}:{port}");
        try
        {
            await app.StartAsync(ct).ConfigureAwait(false);
        }
        catch (IOException e) when (e.InnerException is AddressInUseException)
        {
            await app.DisposeAsync().ConfigureAwait(false);
            throw new HistoryApiException($"the history API cannot listen on {endpoint}: the port is in use (another memgrowth, or another service); choose another port", e);
        }
        catch (IOException e)
        {
            await app.DisposeAsync().ConfigureAwait(false);
            throw new HistoryApiException($"the history API cannot listen on {endpoint}: {e.Message}", e);
        }

        return new HistoryApi(app, new Uri(app.Urls.First()));
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }

    private static void Map(WebApplication app, LeakQuery query)
    {
        app.MapGet("/api/leaks", async (HttpRequest request, CancellationToken ct) =>
        {
            LeakFilter filter;
            try
            {
                filter = FilterOf(request.Query, DateTimeOffset.UtcNow);
            }
            catch (FormatException e)
            {
                return BadRequest(e.Message);
            }

            return Results.Ok((await query.ListAsync(filter, ct).ConfigureAwait(false)).Select(LeakJson.Of).ToList());
        });

        // {**id}: a leak id holds slashes, escaped (%2F, left escaped by routing) or not.
        app.MapGet("/api/leaks/{**id}", async (string id, int? reports, int? samples, CancellationToken ct) =>
        {
            LeakId leak;
            try
            {
                leak = LeakId.Parse(Uri.UnescapeDataString(id));
            }
            catch (FormatException e)
            {
                return BadRequest(e.Message);
            }

            if (reports is < 0 or > LeakFilter.MaxLimit)
            {
                return BadRequest($"reports is 0 to {LeakFilter.MaxLimit}");
            }

            if (samples is < 0 or > LeakFilter.MaxLimit)
            {
                return BadRequest($"samples is 0 to {LeakFilter.MaxLimit}");
            }

            var detail = await query.GetAsync(leak, reports ?? LeakQuery.DefaultReports, samples ?? LeakQuery.DefaultSamples, ct).ConfigureAwait(false);
            return detail is null
                ? Results.NotFound(new { error = $"no leak {leak} in the history" })
                : Results.Ok(LeakDetailJson.Of(detail));
        });
    }

    private static void MapTrends(WebApplication app, LeakQuery query, TrendQuery? trends, TimeSpan retention)
    {
        var maxDays = HistoryRetention.MaxDays(retention, MaxDays);
        var daysRange = maxDays < MaxDays
            ? string.Create(CultureInfo.InvariantCulture, $"days is 1 to {maxDays} (the history keeps a closed leak {retention.TotalDays:0.#} days)")
            : $"days is 1 to {MaxDays}";
        app.MapGet("/api/services", async (CancellationToken ct) =>
        {
            var now = DateTimeOffset.UtcNow;
            List<ServiceTrendJson> services;
            if (trends is null)
            {
                services = [.. (await query.ServiceTrendsAsync(null, ct).ConfigureAwait(false)).Select(t => ServiceTrendJson.Of(t, TrendSource.ReadModel, now))];
            }
            else
            {
                services = [];
                foreach (var (service, trend) in await trends.GetAllAsync(await query.ServiceNamesAsync(ct).ConfigureAwait(false), ct).ConfigureAwait(false))
                {
                    var (answer, source) = await TrendOfAsync(query, service, trend, ct).ConfigureAwait(false);
                    if (answer is not null)
                    {
                        services.Add(ServiceTrendJson.Of(answer, source, now));
                    }
                }
            }

            return Results.Ok(services.OrderByDescending(s => s.OpenLeaks).ThenBy(s => s.Service, StringComparer.Ordinal).ToList());
        });

        app.MapGet("/api/services/{service}", async (string service, int? days, CancellationToken ct) =>
        {
            if (days < 1 || days > maxDays)
            {
                return BadRequest(daysRange);
            }

            var trend = trends is null ? null : await trends.GetAsync(service, ct).ConfigureAwait(false);
            var (answer, source) = trends is null
                ? ((await query.ServiceTrendsAsync(service, ct).ConfigureAwait(false)).SingleOrDefault(), TrendSource.ReadModel)
                : await TrendOfAsync(query, service, trend, ct).ConfigureAwait(false);
            return answer is null || answer.IsEmpty
                ? Results.NotFound(new { error = $"no leak of service {service} in the history" })
                : Results.Ok(ServiceDetailJson.Of(answer, source, DateTimeOffset.UtcNow, days ?? Math.Min(DefaultDays, maxDays)));
        });

        app.MapGet("/api/top", async (HttpRequest request, CancellationToken ct) =>
        {
            var limit = DefaultTop;
            if (NullIfEmpty(request.Query["limit"]) is { } limitText
                && (!int.TryParse(limitText, NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit is < 1 or > LeakFilter.MaxLimit))
            {
                return BadRequest($"limit '{limitText}' is not a number from 1 to {LeakFilter.MaxLimit}");
            }

            var now = DateTimeOffset.UtcNow;
            return Results.Ok((await query.SoonestToLimitAsync(limit, ct).ConfigureAwait(false)).Select(l => TopLeakJson.Of(l, now)).ToList());
        });
    }

    /// <summary>
    /// The entity's trend when it answered with leaks, else the read model's for that service (null when it
    /// has no leak of it either), saying why.
    /// </summary>
    private static async Task<(ServiceTrend? Trend, TrendSource Source)> TrendOfAsync(LeakQuery query, string service, ServiceTrend? answered, CancellationToken ct) =>
        answered is { IsEmpty: false }
            ? (answered, TrendSource.Entity)
            : ((await query.ServiceTrendsAsync(service, ct).ConfigureAwait(false)).SingleOrDefault(),
                answered is null ? TrendSource.ReadModelUnanswered : TrendSource.ReadModelNotFed);

    /// <exception cref="FormatException">A parameter does not parse; the message says which and how.</exception>
    private static LeakFilter FilterOf(IQueryCollection q, DateTimeOffset now)
    {
        var filter = new LeakFilter(Host: NullIfEmpty(q["host"]), Service: NullIfEmpty(q["service"]));
        if (NullIfEmpty(q["since"]) is { } since)
        {
            filter = filter with { SeenSince = now - LeakParameters.ParseSince(since) };
        }

        if (NullIfEmpty(q["status"]) is { } status)
        {
            filter = filter with { Statuses = LeakParameters.ParseStatus(status) };
        }

        if (NullIfEmpty(q["limit"]) is { } limitText)
        {
            if (!int.TryParse(limitText, NumberStyles.None, CultureInfo.InvariantCulture, out var limit) || limit is < 1 or > LeakFilter.MaxLimit)
            {
                throw new FormatException($"limit '{limitText}' is not a number from 1 to {LeakFilter.MaxLimit}");
            }

            filter = filter with { Limit = limit };
        }

        return filter;
    }

    private static string? NullIfEmpty(string? text) => string.IsNullOrEmpty(text) ? null : text;

    private static IResult BadRequest(string message) => Results.BadRequest(new { error = message });
}
