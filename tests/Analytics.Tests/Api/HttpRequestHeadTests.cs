using System.Text;
using MemGrowth.Analytics.Api.Http;
using Xunit;

namespace MemGrowth.Analytics.Tests.Api;

/// <summary>The history API's request heads: what is read from them, and what is refused with which status.</summary>
public sealed class HttpRequestHeadTests
{
    [Fact]
    public void The_path_stays_escaped_and_the_query_is_decoded_as_a_form()
    {
        var head = Parse("GET /api/leaks/web-1%2F42%2F7?Service=api+svc&since=24h&host=a%20b&host=c&empty= HTTP/1.1\r\nHost: x");

        Assert.Equal("GET", head.Method);
        Assert.Equal("/api/leaks/web-1%2F42%2F7", head.Path);
        Assert.Equal("api svc", head.Query["service"]);
        Assert.Equal("24h", head.Query["SINCE"]);
        Assert.Equal("a b,c", head.Query["host"]);
        Assert.Null(head.Query["empty"]);
        Assert.Null(head.Query["limit"]);
        Assert.True(head.KeepAlive);
        Assert.Equal(0, head.ContentLength);
    }

    [Theory]
    [InlineData("GET / HTTP/1.1", true)]
    [InlineData("GET / HTTP/1.1\r\nConnection: close", false)]
    [InlineData("GET / HTTP/1.1\r\nconnection: Upgrade, Close", false)]
    [InlineData("GET / HTTP/1.0", false)]
    [InlineData("GET / HTTP/1.0\r\nConnection: keep-alive", true)]
    public void The_connection_stays_open_as_HTTP_1_1_and_its_Connection_header_say(string text, bool keepAlive) =>
        Assert.Equal(keepAlive, Parse(text).KeepAlive);

    [Fact]
    public void Leading_blank_lines_a_body_length_and_an_absolute_target_are_read()
    {
        var head = Parse("\r\nGET http://127.0.0.1:8480/api/top?limit=2 HTTP/1.1\r\nContent-Length: 12");

        Assert.Equal("/api/top", head.Path);
        Assert.Equal("2", head.Query["limit"]);
        Assert.Equal(12, head.ContentLength);
    }

    [Theory]
    [InlineData("GET /api/leaks", 400)]
    [InlineData("GET  /api/leaks HTTP/1.1", 400)]
    [InlineData("GET api/leaks HTTP/1.1", 400)]
    [InlineData("GET / HTTP/2.0", 505)]
    [InlineData("GET / HTTP/1.1\r\nno colon here", 400)]
    [InlineData("GET / HTTP/1.1\r\nHost : x", 400)]
    [InlineData("GET / HTTP/1.1\r\nContent-Length: -1", 400)]
    [InlineData("GET / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2", 400)]
    [InlineData("GET / HTTP/1.1\r\nTransfer-Encoding: chunked", 501)]
    [InlineData("GET / HTTP/1.1\r\nContent-Length: 0\r\nContent-Length: 10", 400)]
    [InlineData("GET / HTTP/1.1\r\nContent-Length: 5\r\ncontent-length: 5", 400)]
    [InlineData("GET / HTTP/1.1\r\nContent-Length: 5, 5", 400)]
    [InlineData("GET / HTTP/1.1\r\nContent-Length: +5", 400)]
    [InlineData("GET / HTTP/1.1\r\nContent-Length: 0x10", 400)]
    [InlineData("GET / HTTP/1.1\r\nContent-Length: ", 400)]
    [InlineData("GET / HTTP/1.1\r\nContent-Length: 99999999999999999999", 400)]
    [InlineData("GET / HTTP/1.1\r\nContent-Length: 5\r\nTransfer-Encoding: chunked", 400)]
    [InlineData("GET / HTTP/1.1\r\nTransfer-Encoding: chunked\r\nContent-Length: 5", 400)]
    [InlineData("GET / HTTP/1.0\r\nTransfer-Encoding: chunked", 400)]
    [InlineData("GET / HTTP/1.1\nHost: x", 400)]
    [InlineData("GET / HTTP/1.1\r\nHost: x\ny: z", 400)]
    [InlineData("GET / HTTP/1.1\r\nHost: x\ry", 400)]
    [InlineData("GET / HTTP/1.1\r\nHost: x\r\n folded", 400)]
    public void A_head_the_server_cannot_serve_is_refused_with_its_status(string text, int status) =>
        Assert.Equal(status, Assert.Throws<RequestRejectedException>(() => Parse(text)).Status);

    private static HttpRequestHead Parse(string text) => HttpRequestHead.Parse(Encoding.Latin1.GetBytes(text));
}
