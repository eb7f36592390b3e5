using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace MemGrowth.Analytics.Api;

/// <summary>
/// How a host serves the history API: Kestrel on one address with <see cref="HttpLimits"/>, over HTTP/1.1
/// only, and ASP.NET Core's own logs kept to warnings. Pieces for any host that maps
/// <see cref="HistoryEndpoints.MapHistoryApi"/>, <see cref="HistoryApi"/>'s own included.
/// </summary>
public static class HistoryApiServer
{
    /// <summary>The categories ASP.NET Core logs under (Kestrel, hosting, routing, minimal APIs).</summary>
    private static readonly string[] FrameworkCategories = ["Microsoft.AspNetCore", "Microsoft.Hosting", "Microsoft.Extensions.Hosting"];

    /// <summary>The bind address as an IP address.</summary>
    /// <exception cref="ArgumentException">Not an IP address.</exception>
    public static IPAddress ParseBind(string bind) =>
        IPAddress.TryParse(bind, out var address)
            ? address
            : throw new ArgumentException($"the history API's bind address '{bind}' is not an IP address (e.g. 127.0.0.1, 0.0.0.0, ::1)", nameof(bind));

    /// <summary>
    /// Listens on <paramref name="address"/>:<paramref name="port"/> with <paramref name="limits"/> (null for
    /// <see cref="HttpLimits.Default"/>). HTTP/1.1 only: no client of the API needs HTTP/2, and cleartext HTTP/2
    /// (prior knowledge) would only add code and a second framing to guard.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The port is out of range, or a limit would serve nobody.</exception>
    public static void ConfigureKestrel(KestrelServerOptions options, IPAddress address, int port, HttpLimits? limits = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(address);
        if (port is < 0 or > IPEndPoint.MaxPort)
        {
            throw new ArgumentOutOfRangeException(nameof(port), port, "a port is 0 (any free one) to 65535");
        }

        limits = (limits ?? HttpLimits.Default).Check();
        options.AddServerHeader = false;
        options.Limits.MaxConcurrentConnections = limits.MaxConnections;
        options.Limits.MaxConcurrentUpgradedConnections = 0; // no WebSockets: the API answers GET with JSON
        options.Limits.RequestHeadersTimeout = limits.RequestHeadersTimeout;
        options.Limits.KeepAliveTimeout = limits.KeepAliveTimeout;
        options.Limits.MaxRequestHeadersTotalSize = limits.MaxRequestHeadersTotalSize;
        options.Limits.MaxRequestBodySize = limits.MaxRequestBodySize;
        options.Listen(address, port, listen => listen.Protocols = HttpProtocols.Http1);
    }

    /// <summary>
    /// Serves the history API from the host being built: Kestrel (its core alone: no HTTPS or HTTP/3 code) as
    /// <see cref="ConfigureKestrel"/> sets it, routing, and ASP.NET Core's logs kept to warnings. The host then
    /// maps <see cref="HistoryEndpoints.MapHistoryApi"/>.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The port is out of range, or a limit would serve nobody.</exception>
    public static WebApplicationBuilder AddHistoryApi(this WebApplicationBuilder builder, IPAddress address, int port, HttpLimits? limits = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        if (port is < 0 or > IPEndPoint.MaxPort)
        {
            throw new ArgumentOutOfRangeException(nameof(port), port, "a port is 0 (any free one) to 65535");
        }

        builder.WebHost.UseKestrelCore().ConfigureKestrel(k => ConfigureKestrel(k, address, port, limits));
        builder.Services.AddRoutingCore();
        QuietFramework(builder.Logging);
        return builder;
    }

    /// <summary>Where a started host's API listens, with the port the system chose when asked for port 0.</summary>
    public static Uri ListeningAddress(this WebApplication app, IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(app);
        var bound = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single()).Port;
        return new Uri(string.Create(CultureInfo.InvariantCulture, $"http://{Host(address)}:{bound}/"));
    }

    /// <summary>
    /// ASP.NET Core's categories at warnings and above, whatever the rest logs: at Information, Kestrel and
    /// hosting say a line per start, stop and request, and the executable's console is for its users.
    /// </summary>
    public static ILoggingBuilder QuietFramework(ILoggingBuilder logging)
    {
        ArgumentNullException.ThrowIfNull(logging);
        foreach (var category in FrameworkCategories)
        {
            logging.AddFilter(category, LogLevel.Warning);
        }

        return logging;
    }

    /// <summary>
    /// Why Kestrel could not start listening, as a <see cref="HistoryApiException"/> naming the address and
    /// port; null when <paramref name="e"/> is not about listening.
    /// </summary>
    public static HistoryApiException? ListenFailure(Exception e, IPAddress address, int port)
    {
        ArgumentNullException.ThrowIfNull(e);
        ArgumentNullException.ThrowIfNull(address);
        var endpoint = string.Create(CultureInfo.InvariantCulture, $"{Host(address)}:{port}");
        return e switch
        {
            // Kestrel wraps the socket's refusal: IOException("Failed to bind to address ...", AddressInUseException).
            IOException { InnerException: Microsoft.AspNetCore.Connections.AddressInUseException } =>
                new HistoryApiException($"the history API cannot listen on {endpoint}: the port is in use (another memgrowth, or another service); choose another port", e),
            IOException { InnerException: SocketException socket } =>
                new HistoryApiException($"the history API cannot listen on {endpoint}: {socket.Message}", e),
            IOException or SocketException =>
                new HistoryApiException($"the history API cannot listen on {endpoint}: {e.Message}", e),
            _ => null,
        };
    }

    /// <summary>An address as it goes in a URL: IPv6 in brackets.</summary>
    public static string Host(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        return address.AddressFamily == AddressFamily.InterNetworkV6 ? $"[{address}]" : address.ToString();
    }
}
