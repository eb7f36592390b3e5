using System.Net;
using System.Net.Sockets;
using System.Text;
using MemGrowth.Analytics.History;
using MemGrowth.Analytics.Leaks;
using MemGrowth.Cli.Commands;
using Xunit;

namespace MemGrowth.Cli.Tests.Commands;

/// <summary>
/// `memgrowth leaks`'s filters, through the real parser, and where it reads: the running node's API when its
/// address (api.address in the data directory) answers, never the database then, and no history when neither is there.
/// </summary>
public sealed class LeaksCommandTests
{
    [Theory]
    [InlineData("90s", 90)]
    [InlineData("30m", 30 * 60)]
    [InlineData("24h", 24 * 3600)]
    [InlineData("7d", 7 * 86400)]
    [InlineData("1500ms", 1.5)]
    public void Should_read_since_as_the_api_does_and_any_duration(string since, double seconds) =>
        Assert.Equal(TimeSpan.FromSeconds(seconds), MemgrowthCommand.Parse<LeaksOptions>("leaks", "--since", since).Since);

    [Fact]
    public void Should_refuse_a_since_longer_than_a_span_with_one_line()
    {
        var error = Assert.Throws<ArgumentException>(() => MemgrowthCommand.Parse<LeaksOptions>("leaks", "--since", "99999999d"));

        Assert.Contains("--since: '99999999d' is too long: at most 10675199d", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Fact]
    public void Should_filter_from_the_first_instant_when_since_reaches_back_before_year_1()
    {
        var options = MemgrowthCommand.Parse<LeaksOptions>("leaks", "--since", "10000000d");

        Assert.Equal(DateTimeOffset.MinValue, options.ToFilter(DateTimeOffset.UtcNow).SeenSince);
    }

    [Fact]
    public void Should_take_every_filter_and_list_everything_without_one()
    {
        var all = MemgrowthCommand.Parse<LeaksOptions>("leaks");
        var some = MemgrowthCommand.Parse<LeaksOptions>("leaks", "--host", "h1", "--service", "api", "--status", "open", "--json", "--data-dir", "/srv/mg");

        Assert.Equal((null, null, null, null, false), (all.Host, all.Service, all.Since, all.Statuses, all.Json));
        Assert.Equal(("h1", "api", true, "/srv/mg"), (some.Host, some.Service, some.Json, some.DataDir));
        Assert.Equal([LeakStatus.Suspected, LeakStatus.Confirmed], some.Statuses);
    }

    [Fact]
    public void Should_refuse_a_status_naming_the_ones_there_are()
    {
        var error = Assert.Throws<ArgumentException>(() => MemgrowthCommand.Parse<LeaksOptions>("leaks", "--status", "closed"));

        Assert.Contains("--status: status 'closed' is not one of open, resolved, exited, oom", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Should_ask_the_api_for_the_same_leaks_it_would_read()
    {
        var all = MemgrowthCommand.Parse<LeaksOptions>("leaks");
        var some = MemgrowthCommand.Parse<LeaksOptions>("leaks", "--host", "h 1", "--service", "api.service", "--status", "oom", "--since", "1500ms");

        Assert.Equal("/api/leaks?limit=100000", all.ToQuery());
        Assert.Equal("/api/leaks?limit=100000&host=h%201&service=api.service&since=2s&status=oom", some.ToQuery());
    }

    [Fact]
    public async Task Should_list_what_the_running_nodes_api_answers_without_opening_the_database()
    {
        var dir = Directory.CreateTempSubdirectory("memgrowth-leaks").FullName;
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            ApiAddressFile.Write(dir, new Uri($"http://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}/"));
            var options = MemgrowthCommand.Parse<LeaksOptions>("leaks", "--data-dir", dir, "--json", "--service", "api.service");
            var answered = AnswerOnceAsync(listener, """[{"id":"web-1/42/7","host":"web-1","pid":42,"start_ticks":7,"status":"exited","service":"api.service","comm":"api","cmdline":"api","cgroup":null,"container_id":null,"opened":"2026-01-01T00:00:00+00:00","growth_started":"2026-01-01T00:00:00+00:00","confirmed":null,"ended":"2026-01-01T00:01:00+00:00","episodes":1,"pattern":"linear","growth_bytes_per_sec":1048576,"confidence":0.9,"rss_bytes":104857600,"memory_limit_bytes":null,"seconds_to_limit":null,"last_report":"2026-01-01T00:00:30+00:00","last_seen":"2026-01-01T00:01:00+00:00","reports":3}]""");
            using var stdout = new StringWriter();

            var exit = await LeaksCommand.ListAsync(options, stdout, CancellationToken.None);

            Assert.Equal(0, exit);
            Assert.StartsWith("GET /api/leaks?limit=100000&service=api.service ", await answered, StringComparison.Ordinal);
            var line = Assert.Single(stdout.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries));
            Assert.Contains("\"id\":\"web-1/42/7\"", line, StringComparison.Ordinal);
            Assert.Contains("\"status\":\"exited\"", line, StringComparison.Ordinal);
            Assert.False(File.Exists(Path.Combine(dir, "memgrowth.db"))); // nothing opened (or created) the database
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public async Task Should_say_there_is_no_history_when_a_dead_nodes_address_is_all_there_is()
    {
        var dir = Directory.CreateTempSubdirectory("memgrowth-leaks").FullName;
        try
        {
            int port;
            using (var closed = new TcpListener(IPAddress.Loopback, 0))
            {
                closed.Start();
                port = ((IPEndPoint)closed.LocalEndpoint).Port; // free again once stopped: nobody answers there
            }

            ApiAddressFile.Write(dir, new Uri($"http://127.0.0.1:{port}/"));
            using var stdout = new StringWriter();

            Assert.Equal(1, await LeaksCommand.ListAsync(MemgrowthCommand.Parse<LeaksOptions>("leaks", "--data-dir", dir), stdout, CancellationToken.None));
            Assert.Equal("", stdout.ToString());
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    /// <summary>Answers one HTTP request with <paramref name="json"/>; returns the request line.</summary>
    private static async Task<string> AnswerOnceAsync(TcpListener listener, string json)
    {
        using var client = await listener.AcceptTcpClientAsync();
        await using var stream = client.GetStream();
        using var reader = new StreamReader(stream, Encoding.ASCII, leaveOpen: true);
        var requestLine = await reader.ReadLineAsync() ?? "";
        while (!string.IsNullOrEmpty(await reader.ReadLineAsync()))
        {
        }

        var body = Encoding.UTF8.GetBytes(json);
        await stream.WriteAsync(Encoding.ASCII.GetBytes($"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {body.Length}\r\nConnection: close\r\n\r\n"));
        await stream.WriteAsync(body);
        return requestLine;
    }
}
