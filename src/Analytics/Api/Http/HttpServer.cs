using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace MemGrowth.Analytics.Api.Http;

/// <summary>
/// A small HTTP/1.1 server on one listening socket: GET requests with JSON answers, each connection served by
/// its own <see cref="HttpConnection"/>. It is all the history API needs; ASP.NET Core's host, DI and Kestrel
/// mapped and compiled about 9 MiB of code into every standalone agent for those five routes.
/// At most <see cref="HttpLimits.MaxConnections"/> connections are served at once; one beyond them is answered
/// 503 and closed, so that a flood of connections costs a moment each, not memory held.
/// Dispose to stop listening, close every connection and wait for the requests being answered.
/// </summary>
internal sealed class HttpServer : IAsyncDisposable
{
    /// <summary>Least time between two give-backs after floods (a collection costs tens of ms).</summary>
    private const long GiveBackEveryMs = 30_000;

    private readonly Socket _listener;
    private readonly Func<HttpRequestHead, CancellationToken, Task<HttpResponse>> _handle;
    private readonly HttpLimits _limits;
    private readonly CancellationTokenSource _stop = new();
    private readonly Dictionary<long, Task> _connections = [];
    private readonly Task _accepting;
    private long _accepted;
    private int _open;
    private long _refused;
    private int _refusing;
    private long _lastGiveBack = -GiveBackEveryMs;

    private HttpServer(Socket listener, Func<HttpRequestHead, CancellationToken, Task<HttpResponse>> handle, HttpLimits limits)
    {
        _listener = listener;
        _handle = handle;
        _limits = limits;
        LocalEndPoint = (IPEndPoint)listener.LocalEndPoint!;
        _accepting = AcceptAsync();
    }

    /// <summary>Where it listens, with the port the system chose when asked for port 0.</summary>
    public IPEndPoint LocalEndPoint { get; }

    /// <summary>Connections being served now (not those being refused).</summary>
    public int OpenConnections => Volatile.Read(ref _open);

    /// <summary>Connections answered 503 because <see cref="HttpLimits.MaxConnections"/> were open.</summary>
    public long RefusedConnections => Interlocked.Read(ref _refused);

    /// <param name="limits">Null for <see cref="HttpLimits.Default"/>.</param>
    /// <exception cref="SocketException">The endpoint cannot be listened on (in use, not local, not allowed).</exception>
    /// <exception cref="ArgumentOutOfRangeException">A limit that would serve nobody.</exception>
    public static HttpServer Start(IPEndPoint endpoint, Func<HttpRequestHead, CancellationToken, Task<HttpResponse>> handle, HttpLimits? limits = null)
    {
        limits = (limits ?? HttpLimits.Default).Check();
        var listener = new Socket(endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            if (endpoint.Address.Equals(IPAddress.IPv6Any))
            {
                listener.DualMode = true; // [::] takes IPv4 clients too, as Kestrel's does
            }

            listener.Bind(endpoint);
            listener.Listen(512);
            return new HttpServer(listener, handle, limits);
        }
        catch
        {
            listener.Dispose();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        _listener.Dispose();
        await _accepting.ConfigureAwait(false);
        Task[] open;
        lock (_connections)
        {
            open = [.. _connections.Values];
        }

        await Task.WhenAll(open).ConfigureAwait(false);
        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _listener.AcceptAsync(_stop.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException || _stop.IsCancellationRequested)
            {
                return;
            }
            catch (SocketException)
            {
                continue; // a client that reset before it was accepted, or a moment without descriptors
            }

            // A flood past the cap: with this many 503s still going out, the next connection is closed at once
            // (a reset, no answer), so that what a burst of refusals holds stays bounded too.
            if (Volatile.Read(ref _open) >= _limits.MaxConnections && Volatile.Read(ref _refusing) >= _limits.MaxRefusing)
            {
                Interlocked.Increment(ref _refused);
                client.LingerState = new LingerOption(true, 0);
                client.Dispose();
                continue;
            }

            client.NoDelay = true;
            var id = ++_accepted;
            var served = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            lock (_connections)
            {
                _connections[id] = served.Task;
            }

            // Only this loop counts connections up, so the count cannot pass the limit between check and count.
            var refuse = Volatile.Read(ref _open) >= _limits.MaxConnections;
            if (refuse)
            {
                Interlocked.Increment(ref _refused);
                Interlocked.Increment(ref _refusing);
            }
            else
            {
                Interlocked.Increment(ref _open);
            }

            _ = Task.Run(() => ServeAsync(id, new HttpConnection(client, _handle, _limits), refuse, served));
        }
    }

    /// <summary>
    /// Once the last refusal of a flood is done, gives the memory it took back to the system: the garbage
    /// collector keeps the heap a burst of thousands of connections grew to (tens of MiB) committed, and a
    /// compacting collection in aggressive mode decommits it. At most once every 30 s.
    /// </summary>
    private void GiveBackAfterFlood()
    {
        var now = Environment.TickCount64;
        var last = Interlocked.Read(ref _lastGiveBack);
        if (now - last < GiveBackEveryMs || Interlocked.CompareExchange(ref _lastGiveBack, now, last) != last)
        {
            return;
        }

        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
    }

    private async Task ServeAsync(long id, HttpConnection connection, bool refuse, TaskCompletionSource served)
    {
        try
        {
            if (refuse)
            {
                await connection.RefuseAsync(503, string.Create(CultureInfo.InvariantCulture,
                    $"the server serves {_limits.MaxConnections} connections at once; try again later"), _stop.Token).ConfigureAwait(false);
            }
            else
            {
                await connection.ServeAsync(_stop.Token).ConfigureAwait(false);
            }
        }
        finally
        {
            lock (_connections)
            {
                _connections.Remove(id);
            }

            if (!refuse)
            {
                Interlocked.Decrement(ref _open);
            }
            else if (Interlocked.Decrement(ref _refusing) == 0)
            {
                GiveBackAfterFlood();
            }

            served.SetResult();
        }
    }
}
