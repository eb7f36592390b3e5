using System.Globalization;
using System.Text;
using System.Text.Json;

namespace MemGrowth.Analytics.Api.Http;

/// <summary>A response: its status and its JSON body (snake_case, as <see cref="ApiJson"/> writes it).</summary>
internal sealed record HttpResponse(int Status, byte[] Body)
{
    public static HttpResponse Ok(object value) => Json(200, value);

    /// <summary>An error answer: <c>{"error": message}</c>.</summary>
    public static HttpResponse Error(int status, string message) => Json(status, new ApiError(message));

    /// <summary>Serialized as its runtime type, so that a list of records or an anonymous object is written whole.</summary>
    public static HttpResponse Json(int status, object value) =>
        new(status, JsonSerializer.SerializeToUtf8Bytes(value, value.GetType(), ApiJson.Options));

    /// <summary>The status line, headers and body; <paramref name="keepAlive"/> false says the server closes the connection after it.</summary>
    public byte[] ToBytes(bool keepAlive)
    {
        var head = Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture,
            $"HTTP/1.1 {Status} {Reason(Status)}\r\nDate: {DateTimeOffset.UtcNow:r}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: {Body.Length}\r\n{(keepAlive ? "" : "Connection: close\r\n")}\r\n"));
        return [.. head, .. Body];
    }

    private static string Reason(int status) => status switch
    {
        200 => "OK",
        400 => "Bad Request",
        404 => "Not Found",
        405 => "Method Not Allowed",
        408 => "Request Timeout",
        413 => "Content Too Large",
        431 => "Request Header Fields Too Large",
        500 => "Internal Server Error",
        501 => "Not Implemented",
        503 => "Service Unavailable",
        505 => "HTTP Version Not Supported",
        _ => "Status",
    };
}

/// <summary>The body of every error answer.</summary>
internal sealed record ApiError(string Error);
