using System.Net.Sockets;

namespace MemGrowth.Analytics.Api.Http;

/// <summary>
/// One client connection: reads request heads (kept-alive connections and pipelined requests alike),
/// skips any body, answers each request in turn through the handler, and closes when the client asks,
/// on HTTP/1.0, after a request it cannot serve, when idle for <see cref="IdleTimeout"/>, or on stop.
/// </summary>
internal sealed class HttpConnection
{
    /// <summary>Request line and headers together, as Kestrel's default limit.</summary>
    public const int MaxHeadBytes = 32 * 1024;

    /// <summary>The API reads no body; one larger than this is refused rather than read to be thrown away.</summary>
    public const long MaxBodyBytes = 1 << 20;

    /// <summary>How long a connection may take to send its next request head (Kestrel keeps idle ones 130 s).</summary>
    public static readonly TimeSpan IdleTimeout = TimeSpan.FromMinutes(2);

    /// <summary>How long a closing connection is drained of what the client still sends.</summary>
    private static readonly TimeSpan LingerTimeout = TimeSpan.FromSeconds(1);

    private static readonly byte[] EndOfHead = "\r\n\r\n"u8.ToArray();

    private readonly Socket _socket;
    private readonly Func<HttpRequestHead, CancellationToken, Task<HttpResponse>> _handle;
    private readonly byte[] _buffer = new byte[MaxHeadBytes];
    private int _start;
    private int _end;

    public HttpConnection(Socket socket, Func<HttpRequestHead, CancellationToken, Task<HttpResponse>> handle)
    {
        _socket = socket;
        _handle = handle;
    }

    public async Task ServeAsync(CancellationToken stop)
    {
        try
        {
            var keepAlive = true;
            while (keepAlive)
            {
                using var idle = CancellationTokenSource.CreateLinkedTokenSource(stop);
                idle.CancelAfter(IdleTimeout);
                HttpResponse response;
                try
                {
                    var length = await ReadHeadAsync(idle.Token).ConfigureAwait(false);
                    if (length < 0)
                    {
                        return; // closed between requests
                    }

                    var head = HttpRequestHead.Parse(_buffer.AsSpan(_start, length - EndOfHead.Length));
                    _start += length;
                    if (head.ContentLength > MaxBodyBytes)
                    {
                        throw new RequestRejectedException(413, $"request bodies are not read (this one is {head.ContentLength} bytes)");
                    }

                    await SkipAsync(head.ContentLength, idle.Token).ConfigureAwait(false);
                    keepAlive = head.KeepAlive;
                    response = await AnswerAsync(head, stop).ConfigureAwait(false);
                }
                catch (RequestRejectedException e)
                {
                    keepAlive = false; // what follows a request that could not be read cannot be trusted to be the next one
                    response = HttpResponse.Error(e.Status, e.Message);
                }

                await SendAsync(response, keepAlive, stop).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
            // idle too long, or the server stops
        }
        catch (SocketException)
        {
            // the client went away
        }
        catch (Exception e) when (e is EndOfStreamException or ObjectDisposedException)
        {
            // the client went away mid-request, or the server closed the socket as it stopped
        }
        finally
        {
            _socket.Dispose();
        }
    }

    private async Task<HttpResponse> AnswerAsync(HttpRequestHead head, CancellationToken stop)
    {
        try
        {
            return await _handle(head, stop).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException || !stop.IsCancellationRequested)
        {
            return HttpResponse.Error(500, $"the request failed: {e.Message}");
        }
    }

    /// <summary>Reads until a whole head is buffered; its length with the blank line, or -1 when the client closed before sending any of it.</summary>
    private async Task<int> ReadHeadAsync(CancellationToken ct)
    {
        var searched = 0;
        while (true)
        {
            var found = _buffer.AsSpan(_start + searched, _end - _start - searched).IndexOf(EndOfHead);
            if (found >= 0)
            {
                return searched + found + EndOfHead.Length;
            }

            searched = Math.Max(0, _end - _start - (EndOfHead.Length - 1));
            if (_start > 0)
            {
                _buffer.AsSpan(_start, _end - _start).CopyTo(_buffer);
                _end -= _start;
                _start = 0;
            }

            if (_end == _buffer.Length)
            {
                throw new RequestRejectedException(431, $"the request line and headers exceed {MaxHeadBytes} bytes");
            }

            var read = await _socket.ReceiveAsync(_buffer.AsMemory(_end), SocketFlags.None, ct).ConfigureAwait(false);
            if (read == 0)
            {
                return _end == _start ? -1 : throw new EndOfStreamException();
            }

            _end += read;
        }
    }

    private async Task SkipAsync(long length, CancellationToken ct)
    {
        var buffered = (int)Math.Min(length, _end - _start);
        _start += buffered;
        length -= buffered;
        while (length > 0)
        {
            // The buffer holds no unread bytes here: the body's rest is read over it.
            _start = _end = 0;
            var read = await _socket.ReceiveAsync(_buffer.AsMemory(0, (int)Math.Min(length, _buffer.Length)), SocketFlags.None, ct).ConfigureAwait(false);
            length -= read > 0 ? read : throw new EndOfStreamException();
        }
    }

    private async Task SendAsync(HttpResponse response, bool keepAlive, CancellationToken ct)
    {
        // One write for head and body: two small ones would meet Nagle and the client's delayed ACK.
        await SendAllAsync(response.ToBytes(keepAlive), ct).ConfigureAwait(false);
        if (!keepAlive)
        {
            _socket.Shutdown(SocketShutdown.Send);
            await LingerAsync(ct).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Reads what the client still sends, for a moment, before the socket is closed: closed with unread bytes
    /// it would send a reset, which can destroy the answer before the client has read it (a refused request
    /// is often followed by more of itself).
    /// </summary>
    private async Task LingerAsync(CancellationToken stop)
    {
        using var linger = CancellationTokenSource.CreateLinkedTokenSource(stop);
        linger.CancelAfter(LingerTimeout);
        for (long drained = 0; drained < MaxBodyBytes;)
        {
            var read = await _socket.ReceiveAsync(_buffer, SocketFlags.None, linger.Token).ConfigureAwait(false);
            if (read == 0)
            {
                return;
            }

            drained += read;
        }
    }

    private async Task SendAllAsync(ReadOnlyMemory<byte> bytes, CancellationToken ct)
    {
        while (!bytes.IsEmpty)
        {
            bytes = bytes[await _socket.SendAsync(bytes, SocketFlags.None, ct).ConfigureAwait(false)..];
        }
    }
}
