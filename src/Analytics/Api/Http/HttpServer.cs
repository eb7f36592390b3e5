using System.Net;
using System.Net.Sockets;

namespace MemGrowth.Analytics.Api.Http;

/// <summary>
/// A small HTTP/1.1 server on one listening socket: GET requests with JSON answers, each connection served by
/// its own <see cref="HttpConnection"/>. It is all the history API needs; ASP.NET Core's host, DI and Kestrel
/// mapped and compiled about 9 MiB of code into every standalone agent for those five routes.
/// Dispose to stop listening, close every connection and wait for the requests being answered.
/// </summary>
internal sealed class HttpServer : IAsyncDisposable
{
    private readonly Socket _listener;
    private readonly Func<HttpRequestHead, CancellationToken, Task<HttpResponse>> _handle;
    private readonly CancellationTokenSource _stop = new();
    private readonly Dictionary<long, Task> _connections = [];
    private readonly Task _accepting;
    private long _accepted;

    private HttpServer(Socket listener, Func<HttpRequestHead, CancellationToken, Task<HttpResponse>> handle)
    {
        _listener = listener;
        _handle = handle;
        LocalEndPoint = (IPEndPoint)listener.LocalEndPoint!;
        _accepting = AcceptAsync();
    }

    /// <summary>Where it listens, with the port the system chose when asked for port 0.</summary>
    public IPEndPoint LocalEndPoint { get; }

    /// <exception cref="SocketException">The endpoint cannot be listened on (in use, not local, not allowed).</exception>
    public static HttpServer Start(IPEndPoint endpoint, Func<HttpRequestHead, CancellationToken, Task<HttpResponse>> handle)
    {
        var listener = new Socket(endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            if (endpoint.Address.Equals(IPAddress.IPv6Any))
            {
                listener.DualMode = true; // [::] takes IPv4 clients too, as Kestrel's does
            }

            listener.Bind(endpoint);
            listener.Listen(512);
            return new HttpServer(listener, handle);
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

            client.NoDelay = true;
            var id = ++_accepted;
            var served = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            lock (_connections)
            {
                _connections[id] = served.Task;
            }

            _ = Task.Run(() => ServeAsync(id, client, served));
        }
    }

    private async Task ServeAsync(long id, Socket client, TaskCompletionSource served)
    {
        try
        {
            await new HttpConnection(client, _handle).ServeAsync(_stop.Token).ConfigureAwait(false);
        }
        finally
        {
            lock (_connections)
            {
                _connections.Remove(id);
            }

            served.SetResult();
        }
    }
}
