using System.Globalization;
using System.Net;
using MemGrowth.Analytics.ReadModel;
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
/// (the leak id "host/pid/ticks", URL-escaped, with its newest reports and the newest samples behind them)
/// and <c>GET /api/services</c>.
/// Kestrel on one address, 127.0.0.1 unless told otherwise. Dispose to stop it.
/// </summary>
public sealed class HistoryApi : IAsyncDisposable
{
    public const string DefaultBind = "127.0.0.1";

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
    public static async Task<HistoryApi> StartAsync(ReadModelStore store, string bind, int port, CancellationToken ct)
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

        app.MapGet("/api/services", async (CancellationToken ct) =>
            Results.Ok((await query.ServicesAsync(ct).ConfigureAwait(false)).Select(ServiceJson.Of).ToList()));
    }

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
