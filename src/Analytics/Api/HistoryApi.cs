using System.Globalization;
using System.Net;
using MemGrowth.Analytics.ReadModel;
using MemGrowth.Analytics.Trends;
using MemGrowth.Shared.Settings;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace MemGrowth.Analytics.Api;

/// <summary>
/// The leak history over HTTP, read from the read model (JSON, snake_case):
/// <c>GET /api/leaks?host=&amp;service=&amp;since=24h&amp;status=open&amp;limit=</c>, <c>GET /api/leaks/{id}?reports=&amp;samples=</c>
/// (the leak id "host/pid/ticks", URL-escaped, with its newest reports and the newest samples behind them),
/// <c>GET /api/services</c> (each service's trend, from its trend entity alone when the node runs them: the read
/// model only names the services; see docs/architecture.md),
/// <c>GET /api/services/{service}?days=30</c> (one service with its days) and <c>GET /api/top?limit=20</c>
/// (the open leaks soonest to their memory limit, fleet-wide); see <see cref="HistoryEndpoints"/>. Kestrel on
/// one address, 127.0.0.1 unless told otherwise, configured by <see cref="HistoryApiServer"/>: a host of its
/// own for the callers that run the API alone. Dispose to stop it.
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
    public static Task<HistoryApi> StartAsync(ReadModelStore store, TrendQuery? trends, string bind, int port, TimeSpan retention, CancellationToken ct) =>
        StartAsync(store, trends, bind, port, retention, null, null, ct);

    /// <param name="trends">The trend entities to answer /api/services from; null to answer from the read model alone.</param>
    /// <param name="retention">The history's retention: a service's series spans no more days than it.</param>
    /// <param name="limits">What clients may hold of the server; null for <see cref="HttpLimits.Default"/>.</param>
    /// <param name="loggers">Where ASP.NET Core's warnings and errors go (its lesser logs are dropped); null for nowhere.</param>
    /// <exception cref="ArgumentException">The bind address is not an IP address, or the port is out of range.</exception>
    /// <exception cref="HistoryApiException">The address and port cannot be listened on (in use, not local, not allowed).</exception>
    public static async Task<HistoryApi> StartAsync(
        ReadModelStore store, TrendQuery? trends, string bind, int port, TimeSpan retention, HttpLimits? limits, ILoggerFactory? loggers, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(store);
        var address = HistoryApiServer.ParseBind(bind);
        if (port is < 0 or > IPEndPoint.MaxPort)
        {
            throw new ArgumentOutOfRangeException(nameof(port), port, "a port is 0 (any free one) to 65535");
        }

        await store.InitializeAsync(ct).ConfigureAwait(false);

        // The empty builder, not the slim one: no configuration read from the working directory
        // (appsettings.json, with a file watcher) or the environment (ASPNETCORE_URLS), whose Kestrel section
        // could rebind the API, and no console logger on stdout, which carries the agent's detections.
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions()).AddHistoryApi(address, port, limits);
        if (loggers is not null)
        {
            builder.Logging.AddProvider(new ForwardingLoggerProvider(loggers));
        }

        var app = builder.Build();
        app.MapHistoryApi(store, trends, retention);
        try
        {
            await app.StartAsync(ct).ConfigureAwait(false);
        }
        catch (Exception e) when (HistoryApiServer.ListenFailure(e, address, port) is { } failure)
        {
            await app.DisposeAsync().ConfigureAwait(false);
            throw failure;
        }
        catch
        {
            await app.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        return new HistoryApi(app, app.ListeningAddress(address));
    }

    /// <summary>Stops listening, closes idle connections and waits for the requests being answered.</summary>
    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>Hands the API host's loggers to the caller's factory, after the host's own filters.</summary>
    private sealed class ForwardingLoggerProvider(ILoggerFactory loggers) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => loggers.CreateLogger(categoryName);

        public void Dispose()
        {
            // The factory is the caller's.
        }
    }
}
