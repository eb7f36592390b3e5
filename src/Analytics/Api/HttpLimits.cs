namespace MemGrowth.Analytics.Api;

/// <summary>
/// How much of the HTTP server its clients may hold, and for how long: what bounds its memory however many
/// clients connect, and frees a connection whose client sends a request too slowly, or nothing. Kestrel's
/// defaults are sized for web sites (30 s for a request's headers, 2 min idle, 30 MB bodies, unlimited
/// connections); the history API is read by a few operators and dashboards, not by the fleet.
/// </summary>
public sealed record HttpLimits
{
    public static readonly HttpLimits Default = new();

    /// <summary>
    /// Connections served at once. Kestrel closes one more as soon as it is accepted, without an answer
    /// (it counts it in its <c>connections-rejected</c> counter), so a flood costs a moment each, not memory held.
    /// </summary>
    public int MaxConnections { get; init; } = 256;

    /// <summary>
    /// How long a request's line and headers may take from their first byte: then 408 and the connection
    /// closes. Kestrel measures it to the second (its heartbeat).
    /// </summary>
    public TimeSpan RequestHeadersTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How long a connection may wait for its next request, its first one included, before it closes
    /// (Kestrel keeps idle ones 130 s; browsers reuse theirs within seconds).
    /// </summary>
    public TimeSpan KeepAliveTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Request line and headers together, as before; past it Kestrel answers 431.</summary>
    public int MaxRequestHeadersTotalSize { get; init; } = 32 * 1024;

    /// <summary>The API answers GET only and reads no body; a client's body is drained up to this, past it 413.</summary>
    public long MaxRequestBodySize { get; init; } = 64 * 1024;

    /// <exception cref="ArgumentOutOfRangeException">A limit that would serve nobody.</exception>
    public HttpLimits Check()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxConnections, 1, nameof(MaxConnections));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(RequestHeadersTimeout, TimeSpan.Zero, nameof(RequestHeadersTimeout));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(KeepAliveTimeout, TimeSpan.Zero, nameof(KeepAliveTimeout));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxRequestHeadersTotalSize, 1024, nameof(MaxRequestHeadersTotalSize));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxRequestBodySize, 0, nameof(MaxRequestBodySize));
        return this;
    }
}
