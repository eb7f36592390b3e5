using System.Net;
using System.Net.Sockets;
using System.Text;
using MemGrowth.Analytics.Api;
using MemGrowth.Analytics.ReadModel;
using MemGrowth.Shared.Settings;
using Microsoft.Extensions.Logging;
using Xunit;

namespace MemGrowth.Analytics.Tests.Api;

/// <summary>
/// The protections the history API's Kestrel is configured with (<see cref="HistoryApiServer.ConfigureKestrel"/>,
/// <see cref="HttpLimits"/>), on a real loopback socket spoken to byte by byte: what a slow, oversized, ambiguous
/// or surplus client gets, and a stop with clients connected.
/// </summary>
public sealed class HttpServerTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    /// <summary>A path the API refuses without reading the database, so a request costs the server little.</summary>
    private const string Cheap = "GET /api/nothing HTTP/1.1\r\nHost: x\r\n\r\n";

    private readonly TestDatabase _database = new(JournalDatabase.Sqlite);

    public void Dispose() => _database.Dispose();

    [Fact]
    public async Task A_client_that_sends_its_headers_too_slowly_is_answered_408_and_closed()
    {
        await using var api = await StartAsync(new HttpLimits { RequestHeadersTimeout = TimeSpan.FromSeconds(1) });
        using var client = await ConnectAsync(api);

        await SendAsync(client, "GET /api/leaks HTTP/1.1\r\nHost: x\r\n");
        var response = await ReadResponseAsync(client);

        Assert.Equal(408, response.Status);
        Assert.Contains("Connection: close", response.Head, StringComparison.Ordinal);
        Assert.Equal(0, await ReadSomeAsync(client));
    }

    [Fact]
    public async Task Headers_past_the_limit_are_refused_431_and_the_connection_closed()
    {
        await using var api = await StartAsync();
        using var client = await ConnectAsync(api);

        await SendAsync(client, "GET /api/leaks HTTP/1.1\r\nHost: x\r\n" + string.Concat(Enumerable.Range(0, 8).Select(i => $"X-Big-{i}: {new string('a', HttpLimits.Default.MaxRequestHeadersTotalSize / 8)}\r\n")) + "\r\n");
        var response = await ReadResponseAsync(client);

        Assert.Equal(431, response.Status);
        Assert.Equal(0, await ReadSomeAsync(client));
    }

    [Fact]
    public async Task Two_Content_Lengths_are_refused_400_and_the_connection_closed()
    {
        await using var api = await StartAsync();
        using var client = await ConnectAsync(api);

        await SendAsync(client, "GET /api/leaks HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nContent-Length: 10\r\n\r\n0123456789");
        var response = await ReadResponseAsync(client);

        Assert.Equal(400, response.Status);
        Assert.Contains("Connection: close", response.Head, StringComparison.Ordinal);
        Assert.Equal(0, await ReadSomeAsync(client));
    }

    [Fact]
    public async Task A_kept_alive_connection_closes_when_idle_too_long()
    {
        await using var api = await StartAsync(new HttpLimits { KeepAliveTimeout = TimeSpan.FromSeconds(1) });
        using var client = await ConnectAsync(api);

        await SendAsync(client, Cheap);
        var response = await ReadResponseAsync(client);

        Assert.Equal(404, response.Status);
        Assert.DoesNotContain("Connection: close", response.Head, StringComparison.Ordinal);
        Assert.Equal(0, await ReadSomeAsync(client));
    }

    [Fact]
    public async Task With_256_connections_open_the_next_is_closed_unanswered_and_served_again_once_one_leaves()
    {
        var max = HttpLimits.Default.MaxConnections;
        await using var api = await StartAsync();
        var held = new List<Socket>();
        try
        {
            // Each answered once, so each is counted before the one past the cap connects.
            for (var i = 0; i < max; i++)
            {
                var client = await ConnectAsync(api);
                held.Add(client);
                await SendAsync(client, Cheap);
                Assert.Equal(404, (await ReadResponseAsync(client)).Status);
            }

            using (var surplus = await ConnectAsync(api))
            {
                await SendAsync(surplus, Cheap);
                Assert.Equal(0, await ReadSomeAsync(surplus));
            }

            held[0].Dispose();
            held.RemoveAt(0);

            // Kestrel counts the connection out once it has read its end: a new one is served from then on.
            await EventuallyAsync(async () =>
            {
                using var again = await ConnectAsync(api);
                await SendAsync(again, Cheap);
                return await ReadSomeAsync(again) > 0;
            }, "no connection served after one of the 256 closed");

            await SendAsync(held[^1], Cheap);
            Assert.Equal(404, (await ReadResponseAsync(held[^1])).Status);
        }
        finally
        {
            held.ForEach(c => c.Dispose());
        }
    }

    [Fact]
    public async Task ASP_NET_Core_logs_only_warnings_such_as_a_connection_refused_past_the_cap()
    {
        var logs = new CapturingLoggers();
        using (var loggers = LoggerFactory.Create(b => b.AddProvider(logs).SetMinimumLevel(LogLevel.Trace)))
        {
            var api = await HistoryApi.StartAsync(
                new ReadModelStore(_database.Kind, _database.ConnectionString), null, "127.0.0.1", 0, HistoryRetention.Default, new HttpLimits { MaxConnections = 1 }, loggers, CancellationToken.None);
            await using (api)
            {
                using var served = await ConnectAsync(api);
                await SendAsync(served, Cheap);
                Assert.Equal(404, (await ReadResponseAsync(served)).Status);
                using var refused = await ConnectAsync(api);
                await SendAsync(refused, Cheap);
                Assert.Equal(0, await ReadSomeAsync(refused));
            }
        }

        var records = logs.Records.ToList();
        Assert.Contains(records, r => r.Level == LogLevel.Warning && r.Message.Contains("maximum number of concurrent connections", StringComparison.Ordinal));
        Assert.All(records, r => Assert.True(r.Level >= LogLevel.Warning, $"{r.Level} {r.Category}: {r.Message}"));
    }

    [Fact]
    public async Task Stopping_closes_idle_connections_and_the_port()
    {
        var api = await StartAsync();
        var port = api.Address.Port;
        using var idle = await ConnectAsync(api);
        await SendAsync(idle, Cheap);
        Assert.Equal(404, (await ReadResponseAsync(idle)).Status);

        await api.DisposeAsync().AsTask().WaitAsync(Timeout);

        Assert.Equal(0, await ReadSomeAsync(idle));
        using var again = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await Assert.ThrowsAsync<SocketException>(() => again.ConnectAsync(IPAddress.Loopback, port));
    }

    private Task<HistoryApi> StartAsync(HttpLimits? limits = null) =>
        HistoryApi.StartAsync(new ReadModelStore(_database.Kind, _database.ConnectionString), null, "127.0.0.1", 0, HistoryRetention.Default, limits, null, CancellationToken.None);

    /// <summary>Probes what the server does on its own time, every few milliseconds, up to <see cref="Timeout"/>.</summary>
    private static async Task EventuallyAsync(Func<Task<bool>> condition, string failure)
    {
        using var cts = new CancellationTokenSource(Timeout);
        while (!await condition())
        {
            try
            {
                await Task.Delay(20, cts.Token);
            }
            catch (OperationCanceledException)
            {
                Assert.Fail(failure);
            }
        }
    }

    private static async Task<Socket> ConnectAsync(HistoryApi api)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(IPAddress.Loopback, api.Address.Port);
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

    /// <summary>One response: status, head, body (by its Content-Length).</summary>
    private static async Task<(int Status, string Head, string Body)> ReadResponseAsync(Socket socket)
    {
        var received = new List<byte>();
        using var cts = new CancellationTokenSource(Timeout);
        var buffer = new byte[4096];
        while (true)
        {
            var text = Encoding.ASCII.GetString([.. received]);
            var end = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
            if (end >= 0)
            {
                var head = text[..end];
                var length = int.Parse(head.Split("\r\n").Single(l => l.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase))["Content-Length:".Length..].Trim(), System.Globalization.CultureInfo.InvariantCulture);
                if (received.Count >= end + 4 + length)
                {
                    Assert.Equal(end + 4 + length, received.Count); // nothing sent past the one response
                    return (int.Parse(head.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture), head, Encoding.UTF8.GetString([.. received.Skip(end + 4)]));
                }
            }

            var read = await socket.ReceiveAsync(buffer, SocketFlags.None, cts.Token);
            Assert.True(read > 0, $"the server closed the connection with {received.Count} bytes of a response read");
            received.AddRange(buffer.Take(read));
        }
    }

    /// <summary>Every record logged through it, from any thread.</summary>
    private sealed class CapturingLoggers : ILoggerProvider
    {
        public System.Collections.Concurrent.ConcurrentQueue<(string Category, LogLevel Level, string Message)> Records { get; } = new();

        public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

        public void Dispose()
        {
        }

        private sealed class Logger(CapturingLoggers owner, string category) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                owner.Records.Enqueue((category, logLevel, formatter(state, exception)));
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
