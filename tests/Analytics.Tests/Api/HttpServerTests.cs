using System.Net;
using System.Net.Sockets;
using System.Text;
using MemGrowth.Analytics.Api.Http;
using Xunit;

namespace MemGrowth.Analytics.Tests.Api;

/// <summary>
/// The history API's HTTP/1.1 server on a real loopback socket, spoken to byte by byte: kept-alive and
/// pipelined requests, HTTP/1.0, requests it refuses, a handler that throws, and a stop with clients connected.
/// </summary>
public sealed class HttpServerTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Requests_on_one_connection_are_answered_in_order_kept_alive_or_pipelined()
    {
        await using var server = Start();
        using var client = await ConnectAsync(server);

        await SendAsync(client, "GET /one HTTP/1.1\r\nHost: x\r\n\r\n");
        var first = await ReadResponseAsync(client);
        await SendAsync(client, "GET /two?x=1 HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabcGET /three HTTP/1.1\r\nHost: x\r\n\r\n");
        var second = await ReadResponseAsync(client);
        var third = await ReadResponseAsync(client);

        Assert.Equal((200, "{\"path\":\"/one\",\"query\":null}"), (first.Status, first.Body));
        Assert.Equal((200, "{\"path\":\"/two\",\"query\":\"1\"}"), (second.Status, second.Body));
        Assert.Equal((200, "{\"path\":\"/three\",\"query\":null}"), (third.Status, third.Body));
        Assert.Contains("Content-Type: application/json; charset=utf-8", first.Head, StringComparison.Ordinal);
        Assert.DoesNotContain("Connection: close", third.Head, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_HTTP_1_0_request_is_answered_and_its_connection_closed()
    {
        await using var server = Start();
        using var client = await ConnectAsync(server);

        await SendAsync(client, "GET /old HTTP/1.0\r\n\r\n");
        var response = await ReadResponseAsync(client);

        Assert.Equal(200, response.Status);
        Assert.Contains("Connection: close", response.Head, StringComparison.Ordinal);
        Assert.Equal(0, await ReadSomeAsync(client));
    }

    [Fact]
    public async Task A_request_it_cannot_read_is_refused_with_a_json_error_and_the_connection_closed()
    {
        await using var server = Start();
        using var garbled = await ConnectAsync(server);
        using var huge = await ConnectAsync(server);
        using var chunked = await ConnectAsync(server);

        await SendAsync(garbled, "HELLO\r\n\r\n");
        await SendAsync(huge, "GET /x HTTP/1.1\r\nX-Big: " + new string('a', HttpConnection.MaxHeadBytes) + "\r\n\r\n");
        await SendAsync(chunked, "POST /x HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n");

        foreach (var (client, status, says) in new[] { (garbled, 400, "request line"), (huge, 431, "exceed"), (chunked, 501, "Transfer-Encoding") })
        {
            var response = await ReadResponseAsync(client);
            Assert.Equal(status, response.Status);
            Assert.Contains(says, response.Body, StringComparison.Ordinal);
            Assert.StartsWith("{\"error\":", response.Body, StringComparison.Ordinal);
            Assert.Equal(0, await ReadSomeAsync(client));
        }
    }

    [Fact]
    public async Task A_handler_that_throws_answers_500_and_the_connection_serves_on()
    {
        await using var server = HttpServer.Start(new IPEndPoint(IPAddress.Loopback, 0), (head, _) =>
            head.Path == "/fail" ? throw new InvalidOperationException("the read model is gone") : Task.FromResult(HttpResponse.Ok(new { ok = true })));
        using var client = await ConnectAsync(server);

        await SendAsync(client, "GET /fail HTTP/1.1\r\n\r\n");
        var failed = await ReadResponseAsync(client);
        await SendAsync(client, "GET /fine HTTP/1.1\r\n\r\n");
        var fine = await ReadResponseAsync(client);

        Assert.Equal(500, failed.Status);
        Assert.Contains("the read model is gone", failed.Body, StringComparison.Ordinal);
        Assert.Equal((200, "{\"ok\":true}"), (fine.Status, fine.Body));
    }

    [Fact]
    public async Task Stopping_closes_idle_connections_and_the_port()
    {
        var server = Start();
        var port = server.LocalEndPoint.Port;
        using var idle = await ConnectAsync(server);

        await server.DisposeAsync().AsTask().WaitAsync(Timeout);

        Assert.Equal(0, await ReadSomeAsync(idle));
        using var again = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await Assert.ThrowsAsync<SocketException>(() => again.ConnectAsync(IPAddress.Loopback, port));
    }

    [Theory]
    [InlineData("GET /x HTTP/1.1\r\nContent-Length: 0\r\nContent-Length: 10\r\n\r\n0123456789", "more than once")]
    [InlineData("GET /x HTTP/1.1\r\nContent-Length: 3, 3\r\n\r\nabc", "whole number")]
    [InlineData("POST /x HTTP/1.1\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", "Transfer-Encoding and Content-Length")]
    [InlineData("POST /x HTTP/1.1\r\nTransfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n0\r\n\r\n", "Transfer-Encoding and Content-Length")]
    public async Task Ambiguous_body_framing_is_refused_with_400_and_the_connection_closed(string request, string says)
    {
        await using var server = Start();
        using var client = await ConnectAsync(server);

        await SendAsync(client, request);
        var response = await ReadResponseAsync(client);

        Assert.Equal(400, response.Status);
        Assert.Contains(says, response.Body, StringComparison.Ordinal);
        Assert.Contains("Connection: close", response.Head, StringComparison.Ordinal);
        Assert.Equal(0, await ReadSomeAsync(client));
    }

    // The head timeout is far longer than the test's: only refusing the line as it ends can answer in time.
    [Theory]
    [InlineData("GET /\r\n", 400, "request line")]
    [InlineData("GET / HTTP/2.0\r\n", 505, "HTTP/2.0")]
    [InlineData("GET / HTTP/1.1\nHost: x\n\n", 400, "bare LF")]
    [InlineData("GET / HTTP/1.1\r\nHost: x\n", 400, "bare LF")]
    [InlineData("\nGET / HTTP/1.1\r\n", 400, "bare LF")]
    public async Task A_request_line_that_is_not_HTTP_1_x_or_a_bare_LF_is_refused_as_soon_as_its_line_ends(string request, int status, string says)
    {
        await using var server = Start(new HttpLimits { HeadTimeout = TimeSpan.FromMinutes(10) });
        using var client = await ConnectAsync(server);

        await SendAsync(client, request);
        var response = await ReadResponseAsync(client);

        Assert.Equal(status, response.Status);
        Assert.Contains(says, response.Body, StringComparison.Ordinal);
        Assert.Equal(0, await ReadSomeAsync(client));
    }

    [Fact]
    public async Task A_request_that_does_not_arrive_whole_in_time_is_answered_408_and_a_silent_connection_closed()
    {
        await using var server = Start(new HttpLimits { HeadTimeout = TimeSpan.FromMilliseconds(300), IdleTimeout = TimeSpan.FromMinutes(10) });
        using var partial = await ConnectAsync(server);
        using var silent = await ConnectAsync(server);
        using var slowBody = await ConnectAsync(server);

        await SendAsync(partial, "GET /x HTTP/1.1\r\nHost: x\r\n");
        await SendAsync(slowBody, "GET /x HTTP/1.1\r\nContent-Length: 10\r\n\r\n01234");

        foreach (var client in new[] { partial, slowBody })
        {
            var response = await ReadResponseAsync(client);
            Assert.Equal(408, response.Status);
            Assert.Contains("Connection: close", response.Head, StringComparison.Ordinal);
            Assert.Equal(0, await ReadSomeAsync(client));
        }

        // A connection that never sends a byte is closed with nothing to answer.
        Assert.Equal(0, await ReadSomeAsync(silent));
    }

    [Fact]
    public async Task A_kept_alive_connection_closes_when_idle_too_long()
    {
        await using var server = Start(new HttpLimits { HeadTimeout = TimeSpan.FromMinutes(10), IdleTimeout = TimeSpan.FromMilliseconds(300) });
        using var client = await ConnectAsync(server);

        await SendAsync(client, "GET /x HTTP/1.1\r\n\r\n");
        var response = await ReadResponseAsync(client);

        Assert.Equal(200, response.Status);
        Assert.DoesNotContain("Connection: close", response.Head, StringComparison.Ordinal);
        Assert.Equal(0, await ReadSomeAsync(client));
    }

    [Fact]
    public async Task Connections_beyond_the_limit_are_answered_503_and_closed_and_none_stays_counted_once_clients_leave()
    {
        const int max = 8;
        const int extra = 50;
        await using var server = Start(new HttpLimits { MaxConnections = max });
        var clients = new List<Socket>();
        try
        {
            for (var i = 0; i < max + extra; i++)
            {
                clients.Add(await ConnectAsync(server));
            }

            // Nothing is sent yet: the only answers that can come are refusals.
            var waiting = clients.Select(c => (Client: c, Response: ReadResponseAsync(c))).ToList();
            var refused = new List<(Socket Client, Task<(int Status, string Head, string Body)> Response)>();
            while (refused.Count < extra)
            {
                var done = await Task.WhenAny(waiting.Select(w => w.Response));
                refused.Add(waiting.Single(w => w.Response == done));
                waiting.RemoveAll(w => w.Response == done);
            }

            foreach (var (client, answer) in refused)
            {
                var response = await answer;
                Assert.StartsWith("HTTP/1.1 503 Service Unavailable\r\n", response.Head + "\r\n", StringComparison.Ordinal);
                Assert.Contains("Connection: close", response.Head, StringComparison.Ordinal);
                Assert.Contains($"{max} connections", response.Body, StringComparison.Ordinal);
                Assert.Equal(0, await ReadSomeAsync(client));
            }

            Assert.Equal((max, extra), (server.OpenConnections, server.RefusedConnections));
            foreach (var (client, answer) in waiting)
            {
                await SendAsync(client, "GET /held HTTP/1.1\r\n\r\n");
                Assert.Equal(200, (await answer).Status);
            }
        }
        finally
        {
            clients.ForEach(c => c.Dispose());
        }

        await EventuallyAsync(() => server.OpenConnections == 0, () => $"{server.OpenConnections} connections still counted open after their clients closed");
        using var after = await ConnectAsync(server);
        await SendAsync(after, "GET /after HTTP/1.1\r\n\r\n");
        Assert.Equal(200, (await ReadResponseAsync(after)).Status);
    }

    [Fact]
    public async Task A_flood_past_the_refusals_under_way_is_closed_without_an_answer_and_every_connection_is_counted()
    {
        // Refusals that linger a minute (their clients never close) hold the two slots for refusing.
        const int extra = 20;
        await using var server = Start(new HttpLimits { MaxConnections = 1, MaxRefusing = 2, LingerTimeout = TimeSpan.FromMinutes(1) });
        var clients = new List<Socket> { await ConnectAsync(server) };
        var resetAtConnect = 0;
        try
        {
            for (var i = 0; i < extra; i++)
            {
                try
                {
                    clients.Add(await ConnectAsync(server));
                }
                catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionReset)
                {
                    resetAtConnect++; // reset before the connect returned
                }
            }

            await EventuallyAsync(() => server.RefusedConnections == extra, () => $"{server.RefusedConnections} of {extra} connections refused");
            var outcomes = (await Task.WhenAll(clients.Skip(1).Select(OutcomeAsync))).Concat(Enumerable.Repeat("reset", resetAtConnect)).ToList();

            Assert.Equal(2, outcomes.Count(o => o == "503"));
            Assert.Equal(extra - 2, outcomes.Count(o => o == "reset"));
            await SendAsync(clients[0], "GET /held HTTP/1.1\r\n\r\n");
            Assert.Equal(200, (await ReadResponseAsync(clients[0])).Status);
        }
        finally
        {
            clients.ForEach(c => c.Dispose());
        }

        static async Task<string> OutcomeAsync(Socket client)
        {
            try
            {
                var response = await ReadResponseAsync(client);
                return response.Status.ToString(System.Globalization.CultureInfo.InvariantCulture);
            }
            catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionReset)
            {
                return "reset";
            }
        }
    }

    private static HttpServer Start(HttpLimits? limits = null) => HttpServer.Start(new IPEndPoint(IPAddress.Loopback, 0), (head, _) =>
        Task.FromResult(HttpResponse.Ok(new { path = head.Path, query = head.Query["x"] })), limits);

    /// <summary>Waits for what the server does on its own time, looking every few milliseconds, up to <see cref="Timeout"/>.</summary>
    private static async Task EventuallyAsync(Func<bool> condition, Func<string> failure)
    {
        using var cts = new CancellationTokenSource(Timeout);
        while (!condition())
        {
            try
            {
                await Task.Delay(10, cts.Token);
            }
            catch (OperationCanceledException)
            {
                Assert.Fail(failure());
            }
        }
    }

    private static async Task<Socket> ConnectAsync(HttpServer server)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(server.LocalEndPoint);
        return socket;
    }

    private static async Task SendAsync(Socket socket, string text)
    {
        var bytes = Encoding.ASCII.GetBytes(text);
        for (var sent = 0; sent < bytes.Length;)
        {
            sent += await socket.SendAsync(bytes.AsMemory(sent));
        }
    }

    /// <summary>Bytes read but not yet returned as a response, per socket (a pipelined read may hold the next one).</summary>
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<Socket, List<byte>> Pending = [];

    private static async Task<(int Status, string Head, string Body)> ReadResponseAsync(Socket socket)
    {
        var pending = Pending.GetOrCreateValue(socket);
        using var cts = new CancellationTokenSource(Timeout);
        var buffer = new byte[4096];
        while (true)
        {
            var text = Encoding.ASCII.GetString([.. pending]);
            var end = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
            if (end >= 0)
            {
                var head = text[..end];
                var length = int.Parse(head.Split("\r\n").Single(l => l.StartsWith("Content-Length:", StringComparison.Ordinal))["Content-Length:".Length..].Trim(), System.Globalization.CultureInfo.InvariantCulture);
                if (pending.Count >= end + 4 + length)
                {
                    var body = Encoding.UTF8.GetString([.. pending.Skip(end + 4).Take(length)]);
                    pending.RemoveRange(0, end + 4 + length);
                    return (int.Parse(head.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture), head, body);
                }
            }

            var read = await socket.ReceiveAsync(buffer, SocketFlags.None, cts.Token);
            Assert.True(read > 0, $"the server closed the connection with {pending.Count} bytes of a response read");
            pending.AddRange(buffer.Take(read));
        }
    }

    /// <summary>What a read returns: 0 when the server has closed its side.</summary>
    private static async Task<int> ReadSomeAsync(Socket socket)
    {
        using var cts = new CancellationTokenSource(Timeout);
        try
        {
            return await socket.ReceiveAsync(new byte[1], SocketFlags.None, cts.Token);
        }
        catch (SocketException)
        {
            return 0; // reset: closed all the same
        }
    }
}
