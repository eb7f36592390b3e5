using System.Buffers;
using System.Globalization;
using System.Net.Sockets;

namespace MemGrowth.Analytics.Api.Http;

/// <summary>
/// One client connection: reads request heads (kept-alive connections and pipelined requests alike),
/// skips any body, answers each request in turn through the handler, and closes when the client asks,
/// on HTTP/1.0, after a request it cannot serve, when a request is too slow or the connection idle too long
/// (see <see cref="HttpLimits"/>), or on stop. It holds a buffer only while bytes of a request are read or
/// waiting: an idle connection costs its socket and a few small objects.
/// </summary>
internal sealed class HttpConnection
{
    /// <summary>Request line and headers together, as Kestrel's default limit.</summary>
    public const int MaxHeadBytes = 32 * 1024;

    /// <summary>The API reads no body; one larger than this is refused rather than read to be thrown away.</summary>
    public const long MaxBodyBytes = 1 << 20;

    /// <summary>Most heads fit in this; a larger one is read on in a buffer of <see cref="MaxHeadBytes"/>.</summary>
    private const int FirstBufferBytes = 4 * 1024;

    private static readonly byte[] EndOfHead = "\r\n\r\n"u8.ToArray();

    private readonly Socket _socket;
    private readonly Func<HttpRequestHead, CancellationToken, Task<HttpResponse>> _handle;
    private readonly HttpLimits _limits;
    private byte[]? _buffer;
    private int _start;
    private int _end;
    private bool _requestStarted;

    public HttpConnection(Socket socket, Func<HttpRequestHead, CancellationToken, Task<HttpResponse>> handle, HttpLimits limits)
    {
        _socket = socket;
        _handle = handle;
        _limits = limits;
    }

    public async Task ServeAsync(CancellationToken stop)
    {
        try
        {
            var keepAlive = true;
            var first = true;
            while (keepAlive)
            {
                using var deadline = CancellationTokenSource.CreateLinkedTokenSource(stop);
                _requestStarted = _end > _start; // the next request's bytes are already here when pipelined
                deadline.CancelAfter(first || _requestStarted ? _limits.HeadTimeout : _limits.IdleTimeout);
                first = false;
                HttpResponse response;
                try
                {
                    var length = await ReadHeadAsync(deadline).ConfigureAwait(false);
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

                    await SkipAsync(head.ContentLength, deadline.Token).ConfigureAwait(false);
                    keepAlive = head.KeepAlive;
                    ReleaseBufferWhenEmpty();
                    response = await AnswerAsync(head, stop).ConfigureAwait(false);
                }
                catch (RequestRejectedException e)
                {
                    keepAlive = false; // what follows a request that could not be read cannot be trusted to be the next one
                    response = HttpResponse.Error(e.Status, e.Message);
                }
                catch (OperationCanceledException) when (!stop.IsCancellationRequested && _requestStarted)
                {
                    keepAlive = false;
                    response = HttpResponse.Error(408, string.Create(CultureInfo.InvariantCulture,
                        $"the request did not arrive whole within {_limits.HeadTimeout.TotalSeconds:0.###} s of its first byte"));
                }

                await SendAsync(response, keepAlive, stop).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
            // idle too long, a client that does not read its answer, or the server stops
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
            ReleaseBuffer();
        }
    }

    /// <summary>Answers a connection the server will not serve with <paramref name="status"/> and closes it, reading none of its request.</summary>
    public async Task RefuseAsync(int status, string message, CancellationToken stop)
    {
        try
        {
            await SendAsync(HttpResponse.Error(status, message), keepAlive: false, stop).ConfigureAwait(false);
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // gone already, or the server stops
        }
        finally
        {
            _socket.Dispose();
            ReleaseBuffer();
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

    /// <summary>
    /// Reads until a whole head is buffered; its length with the blank line, or -1 when the client closed before
    /// sending any of it. Lines are checked as they arrive: a bare LF, or a request line that is not HTTP/1.x, is
    /// refused then rather than once the head ends, which it may never do. The first byte of the head starts its
    /// <see cref="HttpLimits.HeadTimeout"/> on <paramref name="deadline"/>.
    /// </summary>
    private async Task<int> ReadHeadAsync(CancellationTokenSource deadline)
    {
        var scanned = 0; // from _start: bytes looked at for line ends
        var lineStart = 0; // from _start: where the line being received starts
        var requestLine = false;
        while (true)
        {
            while (scanned < _end - _start)
            {
                var lf = _buffer.AsSpan(_start + scanned, _end - _start - scanned).IndexOf((byte)'\n');
                if (lf < 0)
                {
                    scanned = _end - _start;
                    break;
                }

                var at = scanned + lf;
                scanned = at + 1;
                if (at == 0 || _buffer![_start + at - 1] != '\r')
                {
                    throw new RequestRejectedException(400, "a line of the request head ends with a bare LF, not CRLF");
                }

                var line = _buffer.AsSpan(_start + lineStart, at - 1 - lineStart);
                lineStart = at + 1;
                if (line.IsEmpty)
                {
                    if (requestLine)
                    {
                        return at + 1;
                    }

                    continue; // RFC 9112 2.2: empty lines before a request line are ignored
                }

                if (!requestLine)
                {
                    HttpRequestHead.CheckRequestLine(line);
                    requestLine = true;
                }
            }

            if (_start == _end)
            {
                // Nothing of the next request yet: wait without a buffer, so that an idle connection holds none.
                ReleaseBuffer();
                await _socket.ReceiveAsync(Memory<byte>.Empty, SocketFlags.None, deadline.Token).ConfigureAwait(false);
            }

            var room = MakeRoom();
            var read = await _socket.ReceiveAsync(room, SocketFlags.None, deadline.Token).ConfigureAwait(false);
            if (read == 0)
            {
                return _end == _start ? -1 : throw new EndOfStreamException();
            }

            if (!_requestStarted)
            {
                _requestStarted = true;
                deadline.CancelAfter(_limits.HeadTimeout);
            }

            _end += read;
        }
    }

    /// <summary>Free space after the unread bytes, moved to the buffer's start, in a buffer grown to <see cref="MaxHeadBytes"/> when full.</summary>
    /// <exception cref="RequestRejectedException">The unread bytes hold no whole head and fill <see cref="MaxHeadBytes"/>.</exception>
    private Memory<byte> MakeRoom()
    {
        _buffer ??= ArrayPool<byte>.Shared.Rent(FirstBufferBytes);
        if (_start > 0)
        {
            _buffer.AsSpan(_start, _end - _start).CopyTo(_buffer);
            _end -= _start;
            _start = 0;
        }

        if (_end == Math.Min(_buffer.Length, MaxHeadBytes))
        {
            if (_end >= MaxHeadBytes)
            {
                throw new RequestRejectedException(431, $"the request line and headers exceed {MaxHeadBytes} bytes");
            }

            var larger = ArrayPool<byte>.Shared.Rent(MaxHeadBytes);
            _buffer.AsSpan(0, _end).CopyTo(larger);
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = larger;
        }

        return _buffer.AsMemory(_end, Math.Min(_buffer.Length, MaxHeadBytes) - _end);
    }

    private void ReleaseBufferWhenEmpty()
    {
        if (_start == _end)
        {
            ReleaseBuffer();
        }
    }

    private void ReleaseBuffer()
    {
        if (_buffer is not null)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = null;
        }

        _start = _end = 0;
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
            _buffer ??= ArrayPool<byte>.Shared.Rent(FirstBufferBytes);
            var read = await _socket.ReceiveAsync(_buffer.AsMemory(0, (int)Math.Min(length, _buffer.Length)), SocketFlags.None, ct).ConfigureAwait(false);
            length -= read > 0 ? read : throw new EndOfStreamException();
        }
    }

    private async Task SendAsync(HttpResponse response, bool keepAlive, CancellationToken ct)
    {
        // One write for head and body: two small ones would meet Nagle and the client's delayed ACK.
        using var sending = CancellationTokenSource.CreateLinkedTokenSource(ct);
        sending.CancelAfter(_limits.IdleTimeout); // a client that does not read its answer does not hold the connection
        await SendAllAsync(response.ToBytes(keepAlive), sending.Token).ConfigureAwait(false);
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
        linger.CancelAfter(_limits.LingerTimeout);
        for (long drained = 0; drained < MaxBodyBytes;)
        {
            _buffer ??= ArrayPool<byte>.Shared.Rent(FirstBufferBytes);
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
