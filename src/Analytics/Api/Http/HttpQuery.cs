namespace MemGrowth.Analytics.Api.Http;

/// <summary>
/// A request's query string, decoded as a browser encodes a form (<c>+</c> is a space, then percent-escapes
/// as UTF-8); names are case-insensitive and a name given twice has its values joined with commas, as
/// ASP.NET Core reads them.
/// </summary>
internal sealed class HttpQuery
{
    public static readonly HttpQuery Empty = new(new Dictionary<string, string>());

    private readonly Dictionary<string, string> _values;

    private HttpQuery(Dictionary<string, string> values) => _values = values;

    /// <summary>The value given for <paramref name="name"/>, or null when it was not given or given empty.</summary>
    public string? this[string name] => _values.TryGetValue(name, out var value) && value.Length > 0 ? value : null;

    public static HttpQuery Parse(string query)
    {
        if (query.Length == 0)
        {
            return Empty;
        }

        var values = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var pair in query.Split('&'))
        {
            if (pair.Length == 0)
            {
                continue;
            }

            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            var name = Decode(equals < 0 ? pair : pair[..equals]);
            var value = equals < 0 ? "" : Decode(pair[(equals + 1)..]);
            values[name] = values.TryGetValue(name, out var earlier) ? $"{earlier},{value}" : value;
        }

        return new HttpQuery(values);
    }

    private static string Decode(string text) => Uri.UnescapeDataString(text.Replace('+', ' '));
}
