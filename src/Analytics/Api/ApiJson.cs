using System.Text.Json;
using System.Text.Json.Serialization;

namespace MemGrowth.Analytics.Api;

/// <summary>How the history API and `memgrowth leaks --json` write JSON: snake_case names, enums by snake_case name.</summary>
public static class ApiJson
{
    public static readonly JsonSerializerOptions Options = Configure(new JsonSerializerOptions());

    public static JsonSerializerOptions Configure(JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower;
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower));
        return options;
    }
}
