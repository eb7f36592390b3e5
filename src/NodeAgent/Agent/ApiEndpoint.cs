using System.Globalization;
using System.Net;

namespace MemGrowth.NodeAgent.Agent;

/// <summary>An address and port to serve HTTP on, as given: "127.0.0.1:8480", "[::1]:8480", "0.0.0.0:0" (any free port).</summary>
public sealed record ApiEndpoint(string Bind, int Port)
{
    /// <summary>The endpoint <paramref name="text"/> names; null for "" (no API).</summary>
    /// <exception cref="ArgumentException">Not an IP address and a port.</exception>
    public static ApiEndpoint? Parse(string text, string name)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        var colon = text.LastIndexOf(':');
        var bind = colon > 0 ? text[..colon].Trim('[', ']') : "";
        if (colon <= 0 || !IPAddress.TryParse(bind, out _) ||
            !int.TryParse(text[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port > IPEndPoint.MaxPort)
        {
            throw new ArgumentException($"{name}: '{text}' is not ADDRESS:PORT (e.g. 127.0.0.1:8480, 0.0.0.0:8480, [::1]:8480; \"\" for no API)");
        }

        return new ApiEndpoint(bind, port);
    }
}
