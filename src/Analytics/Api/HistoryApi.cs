using System.Globalization;
using System.Net;
using System.Net.Sockets;
using MemGrowth.Analytics.Api.Http;
using MemGrowth.Analytics.ReadModel;
using MemGrowth.Analytics.Retention;
using MemGrowth.Analytics.Trends;
using MemGrowth.Shared.Messages;
using MemGrowth.Shared.Settings;

namespace MemGrowth.Analytics.Api;

/// <summary>
/// The leak history over HTTP, read from the read model (JSON, snake_case):
/// <c>GET /api/leaks?host=&amp;service=&amp;since=24h&amp;status=open&amp;limit=</c>, <c>GET /api/leaks/{id}?reports=&amp;samples=</c>
/// (the leak id "host/pid/ticks", URL-escaped, with its newest reports and the newest samples behind them),
/// <c>GET /api/services</c> (each service's trend, from its trend entity alone when the node runs them: the read
/// model only names the services; see docs/architecture.md),
/// <c>GET /api/services/{service}?days=30</c> (one service with its days) and <c>GET /api/top?limit=20</c>
/// (the open leaks soonest to their memory limit, fleet-wide). A small HTTP/1.1 server on one address,
/// 127.0.0.1 unless told otherwise. Dispose to stop it.
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

    private const string Leaks = "/api/leaks";
    private const string Services = "/api/services";
    private const string Top = "/api/top";

    private readonly HttpServer _server;

    private HistoryApi(HttpServer server, Uri address)
    {
        _server = server;
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
        var routes = new Routes(new LeakQuery(store), trends, HistoryRetention.Check(retention));
        var endpoint = string.Create(CultureInfo.InvariantCulture, $"{Host(address)}:{port}");
        HttpServer server;
        try
        {
            server = HttpServer.Start(new IPEndPoint(address, port), routes.AnswerAsync);
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.AddressAlreadyInUse)
        {
            throw new HistoryApiException($"the history API cannot listen on {endpoint}: the port is in use (another memgrowth, or another service); choose another port", e);
        }
        catch (SocketException e)
        {
            throw new HistoryApiException($"the history API cannot listen on {endpoint}: {e.Message}", e);
        }

        return new HistoryApi(server, new Uri(string.Create(CultureInfo.InvariantCulture, $"http://{Host(address)}:{server.LocalEndPoint.Port}/")));
    }

    public ValueTask DisposeAsync() => _server.DisposeAsync();

    private static string Host(IPAddress address) =>
        address.AddressFamily == AddressFamily.InterNetworkV6 ? $"[{address}]" : address.ToString();

    /// <summary>The five routes: paths match as ASP.NET Core's routing did, case-insensitively and with or without a trailing slash.</summary>
    private sealed class Routes(LeakQuery query, TrendQuery? trends, TimeSpan retention)
    {
        private readonly int _maxDays = HistoryRetention.MaxDays(retention, MaxDays);

        public Task<HttpResponse> AnswerAsync(HttpRequestHead request, CancellationToken ct)
        {
            if (request.Method != "GET")
            {
                return Task.FromResult(HttpResponse.Error(405, $"{request.Method} is not served: the history API answers GET"));
            }

            var path = request.Path.Length > 1 ? request.Path.TrimEnd('/') : request.Path;
            if (Is(path, Leaks))
            {
                return ListLeaksAsync(request.Query, ct);
            }

            if (Under(path, Leaks) is { } id)
            {
                return GetLeakAsync(id, request.Query, ct);
            }

            if (Is(path, Services))
            {
                return ListServicesAsync(ct);
            }

            if (Under(path, Services) is { } service && !service.Contains('/', StringComparison.Ordinal))
            {
                return GetServiceAsync(Uri.UnescapeDataString(service), request.Query, ct);
            }

            return Is(path, Top)
                ? TopAsync(request.Query, ct)
                : Task.FromResult(HttpResponse.Error(404, $"no such resource {request.Path}: the history API serves {Leaks}, {Leaks}/{{id}}, {Services}, {Services}/{{service}} and {Top}"));
        }

        private static bool Is(string path, string route) => path.Equals(route, StringComparison.OrdinalIgnoreCase);

        /// <summary>What follows <paramref name="route"/>/ in the path, still escaped; null when the path is not under it.</summary>
        private static string? Under(string path, string route) =>
            path.Length > route.Length + 1 && path.StartsWith(route, StringComparison.OrdinalIgnoreCase) && path[route.Length] == '/'
                ? path[(route.Length + 1)..]
                : null;

        private async Task<HttpResponse> ListLeaksAsync(HttpQuery q, CancellationToken ct)
        {
            LeakFilter filter;
            try
            {
                filter = FilterOf(q, DateTimeOffset.UtcNow);
            }
            catch (FormatException e)
            {
                return HttpResponse.Error(400, e.Message);
            }

            return HttpResponse.Ok((await query.ListAsync(filter, ct).ConfigureAwait(false)).Select(LeakJson.Of).ToList());
        }

        // A leak id holds slashes, escaped (%2F) or not.
        private async Task<HttpResponse> GetLeakAsync(string id, HttpQuery q, CancellationToken ct)
        {
            LeakId leak;
            int? reports, samples;
            try
            {
                leak = LeakId.Parse(Uri.UnescapeDataString(id));
                reports = Count(q, "reports", 0, LeakFilter.MaxLimit);
                samples = Count(q, "samples", 0, LeakFilter.MaxLimit);
            }
            catch (FormatException e)
            {
                return HttpResponse.Error(400, e.Message);
            }

            var detail = await query.GetAsync(leak, reports ?? LeakQuery.DefaultReports, samples ?? LeakQuery.DefaultSamples, ct).ConfigureAwait(false);
            return detail is null
                ? HttpResponse.Error(404, $"no leak {leak} in the history")
                : HttpResponse.Ok(LeakDetailJson.Of(detail));
        }

        private async Task<HttpResponse> ListServicesAsync(CancellationToken ct)
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
                    if (trend is null)
                    {
                        return Unanswered(service);
                    }

                    // A trend its projection has not fed yet (it follows the journal apart from the read model) is left out until it has.
                    if (!trend.IsEmpty)
                    {
                        services.Add(ServiceTrendJson.Of(trend, TrendSource.Entity, now));
                    }
                }
            }

            return HttpResponse.Ok(services.OrderByDescending(s => s.OpenLeaks).ThenBy(s => s.Service, StringComparer.Ordinal).ToList());
        }

        private async Task<HttpResponse> GetServiceAsync(string service, HttpQuery q, CancellationToken ct)
        {
            int? days;
            try
            {
                days = Count(q, "days", 1, _maxDays);
            }
            catch (FormatException e)
            {
                return HttpResponse.Error(400, _maxDays < MaxDays
                    ? string.Create(CultureInfo.InvariantCulture, $"days is 1 to {_maxDays} (the history keeps a closed leak {retention.TotalDays:0.#} days)")
                    : e.Message);
            }

            var trend = trends is null ? null : await trends.GetAsync(service, ct).ConfigureAwait(false);
            if (trends is not null && trend is null)
            {
                return Unanswered(service);
            }

            var (answer, source) = trends is null
                ? ((await query.ServiceTrendsAsync(service, ct).ConfigureAwait(false)).SingleOrDefault(), TrendSource.ReadModel)
                : (trend, TrendSource.Entity);
            return answer is null || answer.IsEmpty
                ? HttpResponse.Error(404, $"no leak of service {service} in the history")
                : HttpResponse.Ok(ServiceDetailJson.Of(answer, source, DateTimeOffset.UtcNow, days ?? Math.Min(DefaultDays, _maxDays)));
        }

        private async Task<HttpResponse> TopAsync(HttpQuery q, CancellationToken ct)
        {
            var limit = DefaultTop;
            if (q["limit"] is { } limitText
                && (!int.TryParse(limitText, NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit is < 1 or > LeakFilter.MaxLimit))
            {
                return HttpResponse.Error(400, $"limit '{limitText}' is not a number from 1 to {LeakFilter.MaxLimit}");
            }

            var now = DateTimeOffset.UtcNow;
            return HttpResponse.Ok((await query.SoonestToLimitAsync(limit, ct).ConfigureAwait(false)).Select(l => TopLeakJson.Of(l, now)).ToList());
        }

        /// <summary>A trend entity that did not answer in time: said, not made up from the read model's rows.</summary>
        private static HttpResponse Unanswered(string service) =>
            HttpResponse.Error(503, $"the trend of service {service} did not answer in time (its node may be starting or moving shards); try again");
    }

    /// <summary>An optional whole-number parameter within [min, max]; null when not given.</summary>
    /// <exception cref="FormatException">Given, but not a whole number in range; the message says which and how.</exception>
    private static int? Count(HttpQuery q, string name, int min, int max)
    {
        if (q[name] is not { } text)
        {
            return null;
        }

        return int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n >= min && n <= max
            ? n
            : throw new FormatException($"{name} is {min} to {max} ('{text}' is not)");
    }

    /// <exception cref="FormatException">A parameter does not parse; the message says which and how.</exception>
    private static LeakFilter FilterOf(HttpQuery q, DateTimeOffset now)
    {
        var filter = new LeakFilter(Host: q["host"], Service: q["service"]);
        if (q["since"] is { } since)
        {
            filter = filter with { SeenSince = LeakParameters.ParseSeenSince(since, now) };
        }

        if (q["status"] is { } status)
        {
            filter = filter with { Statuses = LeakParameters.ParseStatus(status) };
        }

        if (q["limit"] is { } limitText)
        {
            if (!int.TryParse(limitText, NumberStyles.None, CultureInfo.InvariantCulture, out var limit) || limit is < 1 or > LeakFilter.MaxLimit)
            {
                throw new FormatException($"limit '{limitText}' is not a number from 1 to {LeakFilter.MaxLimit}");
            }

            filter = filter with { Limit = limit };
        }

        return filter;
    }
}
