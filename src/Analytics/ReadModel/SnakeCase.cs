using System.Text.Json;

namespace MemGrowth.Analytics.ReadModel;

/// <summary>Enum values as the read model stores them and the API writes them: snake_case names ("oom_killed").</summary>
internal static class SnakeCase
{
    public static string Name<T>(T value)
        where T : struct, Enum => Names<T>.ByValue[value];

    /// <exception cref="FormatException">The text names no value of <typeparamref name="T"/>.</exception>
    public static T Parse<T>(string text)
        where T : struct, Enum =>
        Names<T>.ByName.TryGetValue(text, out var value)
            ? value
            : throw new FormatException($"'{text}' is not one of {string.Join(", ", Names<T>.ByName.Keys)}");

    private static class Names<T>
        where T : struct, Enum
    {
        public static readonly Dictionary<T, string> ByValue = Enum.GetValues<T>().ToDictionary(v => v, v => JsonNamingPolicy.SnakeCaseLower.ConvertName(v.ToString()));

        public static readonly Dictionary<string, T> ByName = ByValue.ToDictionary(p => p.Value, p => p.Key, StringComparer.Ordinal);
    }
}
