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

        var parts = lines[first].Split(' ');
        if (parts.Length != 3 || parts[0].Length == 0 || parts[1].Length == 0)
        {
            throw new RequestRejectedException(400, "the request line is not METHOD TARGET HTTP/1.x");
        }

        var keepAlive = parts[2] switch
        {
            "HTTP/1.1" => true,
            "HTTP/1.0" => false,
            _ => throw new RequestRejectedException(505, $"{parts[2]} is not served: HTTP/1.1 or HTTP/1.0"),
        };
        long contentLength = 0;
        for (var i = first + 1; i < lines.Length; i++)
        {
            var colon = lines[i].IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0 || lines[i][colon - 1] is ' ' or '\t')
            {
                throw new RequestRejectedException(400, $"malformed header line {i - first}");
            }

            var name = lines[i][..colon];
            var value = lines[i][(colon + 1)..].Trim(' ', '\t');
            if (name.Equals("Connection", StringComparison.OrdinalIgnoreCase))
            {
                keepAlive = HasToken(value, "close") ? false : HasToken(value, "keep-alive") || keepAlive;
            }
            else if (name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
            {
                if (!long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var length) || (contentLength != 0 && length != contentLength))
                {
                    throw new RequestRejectedException(400, "bad Content-Length");
                }

                contentLength = length;
            }
            else if (name.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase))
            {
                // The API reads no bodies; a chunked one could not even be skipped without decoding it.
                throw new RequestRejectedException(501, "request bodies with Transfer-Encoding are not accepted");
            }
        }

        var (path, query) = SplitTarget(parts[1]);
        return new HttpRequestHead(parts[0], path, HttpQuery.Parse(query), keepAlive, contentLength);
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
