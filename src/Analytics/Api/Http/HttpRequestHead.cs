using System.Globalization;
using System.Text;

namespace MemGrowth.Analytics.Api.Http;

/// <summary>
/// One HTTP/1.x request's head, as the history API needs it: the method, the path still percent-encoded
/// (so a leak id's escaped slashes are told from the path's own), the query decoded, whether the connection
/// stays open, and the body's length so that it can be skipped.
/// </summary>
internal sealed record HttpRequestHead(string Method, string Path, HttpQuery Query, bool KeepAlive, long ContentLength)
{
    /// <summary>Parses a head: the request line and the header lines, without the blank line that ends them.</summary>
    /// <exception cref="RequestRejectedException">Not an HTTP/1.x request head the server can serve; the message says why.</exception>
    public static HttpRequestHead Parse(ReadOnlySpan<byte> head)
    {
        // Header bytes beyond ASCII are not text anyone agreed on; Latin-1 keeps them one char per byte.
        var lines = Encoding.Latin1.GetString(head).Split("\r\n");
        var first = 0;
        while (first < lines.Length && lines[first].Length == 0)
        {
            first++; // RFC 9112 2.2: empty lines before a request line are ignored
        }

        if (first == lines.Length)
        {
            throw new RequestRejectedException(400, "empty request");
        }

        var (method, target, http11) = ParseRequestLine(lines[first]);
        var keepAlive = http11;
        long? contentLength = null;
        var transferEncoding = false;
        for (var i = first + 1; i < lines.Length; i++)
        {
            var line = lines[i];
            CheckLineEnds(line);
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0 || line[0] is ' ' or '\t' || line[colon - 1] is ' ' or '\t')
            {
                // A leading space is obsolete line folding (RFC 9112 5.2), which a server may refuse.
                throw new RequestRejectedException(400, $"malformed header line {i - first}");
            }

            var name = line[..colon];
            var value = line[(colon + 1)..].Trim(' ', '\t');
            if (name.Equals("Connection", StringComparison.OrdinalIgnoreCase))
            {
                keepAlive = HasToken(value, "close") ? false : HasToken(value, "keep-alive") || keepAlive;
            }
            else if (name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
            {
                // RFC 9112 6.3: a length that is not one number, or given twice, leaves the body's end unknown;
                // even a repeated equal value is refused, as Kestrel does, rather than guessed at.
                if (contentLength is not null)
                {
                    throw new RequestRejectedException(400, "Content-Length is given more than once");
                }

                contentLength = long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var length)
                    ? length
                    : throw new RequestRejectedException(400, "Content-Length is not one whole number of bytes");
            }
            else if (name.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase))
            {
                transferEncoding = true;
            }
        }

        if (transferEncoding)
        {
            // RFC 9112 6.1 and 6.3: with a Content-Length too, or on HTTP/1.0, the framing is ambiguous (request
            // smuggling); alone, it is a body the API reads none of and could not even skip without decoding it.
            throw contentLength is not null
                ? new RequestRejectedException(400, "Transfer-Encoding and Content-Length together")
                : !http11
                    ? new RequestRejectedException(400, "Transfer-Encoding on HTTP/1.0")
                    : new RequestRejectedException(501, "request bodies with Transfer-Encoding are not accepted");
        }

        var (path, query) = SplitTarget(target);
        return new HttpRequestHead(method, path, HttpQuery.Parse(query), keepAlive, contentLength ?? 0);
    }

    /// <summary>
    /// Checks a request line as soon as it has arrived, so that a client speaking anything but HTTP/1.x (such as
    /// HTTP/0.9's "GET /", which ends at its line) is answered then, not once a head that will never come ends.
    /// </summary>
    /// <exception cref="RequestRejectedException">Not METHOD TARGET HTTP/1.x.</exception>
    public static void CheckRequestLine(ReadOnlySpan<byte> line) => ParseRequestLine(Encoding.Latin1.GetString(line));

    private static (string Method, string Target, bool Http11) ParseRequestLine(string line)
    {
        CheckLineEnds(line);
        var parts = line.Split(' ');
        if (parts.Length != 3 || parts[0].Length == 0 || parts[1].Length == 0)
        {
            throw new RequestRejectedException(400, "the request line is not METHOD TARGET HTTP/1.x");
        }

        var http11 = parts[2] switch
        {
            "HTTP/1.1" => true,
            "HTTP/1.0" => false,
            _ => throw new RequestRejectedException(505, $"{parts[2]} is not served: HTTP/1.1 or HTTP/1.0"),
        };
        return (parts[0], parts[1], http11);
    }

    /// <summary>RFC 9112 2.2: a line ends with CRLF; a bare LF may be refused, and a bare CR must be.</summary>
    private static void CheckLineEnds(string line)
    {
        if (line.AsSpan().IndexOfAny('\r', '\n') >= 0)
        {
            throw new RequestRejectedException(400, "a line of the request head ends with a bare CR or LF, not CRLF");
        }
    }

    private static (string Path, string Query) SplitTarget(string target)
    {
        if (target.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || target.StartsWith("https://", StringComparison.OrdinalIgnoreCase))
        {
            // absolute-form, as a proxy would send it: only its path and query matter here.
            var start = target.IndexOf('/', target.IndexOf("//", StringComparison.Ordinal) + 2);
            target = start < 0 ? "/" : target[start..];
        }

        if (!target.StartsWith('/'))
        {
            throw new RequestRejectedException(400, $"request target '{target}' is not a path");
        }

        var fragment = target.IndexOf('#', StringComparison.Ordinal);
        if (fragment >= 0)
        {
            target = target[..fragment];
        }

        var question = target.IndexOf('?', StringComparison.Ordinal);
        return question < 0 ? (target, "") : (target[..question], target[(question + 1)..]);
    }

    private static bool HasToken(string value, string token) =>
        value.Split(',').Any(t => t.Trim(' ', '\t').Equals(token, StringComparison.OrdinalIgnoreCase));
}
