namespace MemGrowth.Analytics.Api.Http;

/// <summary>
/// How much of the server its clients may hold, and for how long: what bounds its memory however many clients
/// connect, and frees a connection whose client sends a request too slowly, or nothing.
/// </summary>
internal sealed record HttpLimits
{
    public static readonly HttpLimits Default = new();

    /// <summary>
    /// Connections served at once; one more is answered 503 with <c>Connection: close</c> and closed at once.
    /// The history API is read by a few operators and dashboards, not by the fleet.
    /// </summary>
    public int MaxConnections { get; init; } = 256;

    /// <summary>
    /// How long a request (its head and any body) may take from its first byte, and a new connection may take
    /// to send that byte: then 408 if part of a request arrived, and the connection closes. Kestrel allows 30 s;
    /// a head is a few hundred bytes.
    /// </summary>
    public TimeSpan HeadTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How long a kept-alive connection may wait for its next request, and a client may take to read an answer,
    /// before the connection closes (Kestrel keeps idle ones 130 s; browsers reuse theirs within seconds).
    /// </summary>
    public TimeSpan IdleTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// Connections past <see cref="MaxConnections"/> being answered 503 at once; past these, a flood's next
    /// connections are closed without an answer (a reset), so that a burst of refusals holds little memory too.
    /// </summary>
    public int MaxRefusing { get; init; } = 64;

    /// <summary>How long a closing connection is drained of what the client still sends (so that its answer is not destroyed by a reset).</summary>
    public TimeSpan LingerTimeout { get; init; } = TimeSpan.FromSeconds(1);

    /// <exception cref="ArgumentOutOfRangeException">A limit that would serve nobody.</exception>
    public HttpLimits Check()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxConnections, 1, nameof(MaxConnections));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(HeadTimeout, TimeSpan.Zero, nameof(HeadTimeout));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(IdleTimeout, TimeSpan.Zero, nameof(IdleTimeout));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxRefusing, 0, nameof(MaxRefusing));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(LingerTimeout, TimeSpan.Zero, nameof(LingerTimeout));
        return this;
    }
}
