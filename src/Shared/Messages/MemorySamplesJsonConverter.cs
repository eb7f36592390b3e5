using System.Text.Json;
using System.Text.Json.Serialization;

namespace MemGrowth.Shared.Messages;

/// <summary>
/// <see cref="MemorySamples"/> as <c>[[unix_ms, rss, anon, file, swap], …]</c>. A sample needs its time and
/// RSS; missing sizes read as 0 and trailing numbers a later build may add are skipped. Null reads as empty.
/// </summary>
internal sealed class MemorySamplesJsonConverter : JsonConverter<MemorySamples>
{
    /// <summary>
    /// The samples read so far, reused by the thread's next read: a growing list of its own per read (then
    /// copied) was a twelfth of an analytics node's allocations, which reads every detection twice.
    /// </summary>
    [ThreadStatic]
    private static List<MemorySample>? _buffer;

    public override bool HandleNull => true;

    public override MemorySamples Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.Null)
        {
            return MemorySamples.Empty;
        }

        Expect(ref reader, JsonTokenType.StartArray, "samples are an array");
        var samples = _buffer ??= new List<MemorySample>(128);
        samples.Clear();
        Span<long> values = stackalloc long[5];
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            Expect(ref reader, JsonTokenType.StartArray, "a sample is an array [unix_ms, rss, anon, file, swap]");
            values.Clear();
            var count = 0;
            while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
            {
                Expect(ref reader, JsonTokenType.Number, "a sample holds numbers");
                if (count < values.Length)
                {
                    values[count] = reader.GetInt64();
                }

                count++;
            }

            if (count < 2)
            {
                throw new JsonException("a sample needs at least its time and RSS");
            }

            samples.Add(new MemorySample(DateTimeOffset.FromUnixTimeMilliseconds(values[0]), values[1], values[2], values[3], values[4]));
        }

        var read = new MemorySamples(samples);
        if (samples.Capacity > 4096)
        {
            _buffer = null; // one huge series does not stay on the thread
        }

        return read;
    }

    public override void Write(Utf8JsonWriter writer, MemorySamples value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStartArray();
        foreach (var s in value)
        {
            writer.WriteStartArray();
            writer.WriteNumberValue(s.Time.ToUnixTimeMilliseconds());
            writer.WriteNumberValue(s.RssBytes);
            writer.WriteNumberValue(s.AnonBytes);
            writer.WriteNumberValue(s.FileBytes);
            writer.WriteNumberValue(s.SwapBytes);
            writer.WriteEndArray();
        }

        writer.WriteEndArray();
    }

    private static void Expect(ref Utf8JsonReader reader, JsonTokenType type, string what)
    {
        if (reader.TokenType != type)
        {
            throw new JsonException($"{what}, not {reader.TokenType}");
        }
    }
}
