using System.Buffers;
using System.Text.Json;
using MemGrowth.Shared.Growth;

namespace MemGrowth.Shared.Messages;

/// <summary>
/// Writers for the messages written most (detections, on every agent append; <see cref="LeakOpened"/> and
/// <see cref="LeakReported"/>, on every journal write), field by field, for <see cref="MessageSerializer"/>:
/// the bytes are exactly those <see cref="JsonSerializer"/> writes for the same message with the
/// serializer's options (same names, order, escaping and number and date forms, empty samples left out),
/// tested byte for byte against it. That is the generated <see cref="MessageJsonContext"/> now; these writers stay
/// because they still write a detection in 1.2 µs against its 1.6 (docs/bench/ingest.md). Through <see cref="JsonSerializer"/>, encoding was 17 % of a producer's
/// CPU and 6 % of an analytics node's at 20,000 detections/s.
/// </summary>
internal static class MessageWriters
{
    [ThreadStatic]
    private static ArrayBufferWriter<byte>? _buffer;

    [ThreadStatic]
    private static Utf8JsonWriter? _writer;

    private static readonly MemorySamplesJsonConverter Samples = new();

    /// <summary>The message's JSON, or null when it is not one of the messages written here.</summary>
    public static byte[]? TryEncode(object message, JsonSerializerOptions options)
    {
        // A value of an enum without a name is written by JsonSerializer (as its number), as it always was.
        var writable = message switch
        {
            Detection d => EnumNames<DetectionKind>.Has(d.Kind) && EnumNames<GrowthPattern>.Has(d.Growth.Pattern),
            LeakOpened o => o.Report is null || EnumNames<GrowthPattern>.Has(o.Report.Pattern),
            LeakReported r => r.Report is null || EnumNames<GrowthPattern>.Has(r.Report.Pattern),
            _ => false,
        };
        if (!writable)
        {
            return null;
        }

        var buffer = _buffer ??= new ArrayBufferWriter<byte>(1024);
        buffer.ResetWrittenCount();
        var writer = _writer ??= new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = options.Encoder, SkipValidation = true });
        writer.Reset(buffer);
        switch (message)
        {
            case Detection d:
                Write(writer, d, options);
                break;
            case LeakOpened o:
                Write(writer, o, options);
                break;
            case LeakReported r:
                Write(writer, r, options);
                break;
        }

        writer.Flush();
        var bytes = buffer.WrittenSpan.ToArray();
        if (buffer.Capacity > 1 << 20)
        {
            _buffer = null; // one huge message does not stay on the thread
            _writer = null;
        }

        return bytes;
    }

    private static void Write(Utf8JsonWriter w, Detection d, JsonSerializerOptions options)
    {
        var (process, growth, memory) = (d.Process, d.Growth, d.Memory);
        w.WriteStartObject();
        w.WriteString("kind"u8, EnumNames<DetectionKind>.Of(d.Kind));
        w.WriteString("time"u8, d.Time);
        w.WriteString("host"u8, process.Host);
        w.WriteStartObject("process"u8);
        w.WriteNumber("pid"u8, process.Key.Pid);
        w.WriteNumber("start_ticks"u8, process.Key.StartTicks);
        w.WriteEndObject();
        w.WriteString("start_time"u8, process.StartTime);
        w.WriteString("comm"u8, process.Comm);
        w.WriteString("cmdline"u8, process.Cmdline);
        w.WriteString("cgroup"u8, process.Cgroup);
        w.WriteString("container_id"u8, process.ContainerId);
        w.WriteString("pattern"u8, EnumNames<GrowthPattern>.Of(growth.Pattern));
        w.WriteNumber("growth_bytes_per_second"u8, growth.BytesPerSecond);
        w.WriteNumber("confidence"u8, growth.Confidence);
        w.WriteNumber("rss_bytes"u8, memory.RssBytes);
        w.WriteNumber("anon_bytes"u8, memory.AnonBytes);
        w.WriteNumber("file_bytes"u8, memory.FileBytes);
        w.WriteNumber("shmem_bytes"u8, memory.ShmemBytes);
        w.WriteNumber("swap_bytes"u8, memory.SwapBytes);
        w.WriteString("first_seen"u8, process.FirstSeen);
        w.WriteString("growth_started"u8, growth.Started);
        NullableNumber(w, "memory_limit_bytes"u8, d.Limit.Bytes);
        NullableNumber(w, "seconds_to_limit"u8, d.Limit.SecondsToLimit);
        WriteSamples(w, d.Samples, options);
        w.WriteEndObject();
    }

    // A record's own properties come first, then those of the record it derives from (Leak, Time).
    private static void Write(Utf8JsonWriter w, LeakOpened o, JsonSerializerOptions options)
    {
        w.WriteStartObject();
        w.WriteString("process_started"u8, o.ProcessStarted);
        w.WriteString("comm"u8, o.Comm);
        w.WriteString("cmdline"u8, o.Cmdline);
        w.WriteString("cgroup"u8, o.Cgroup);
        w.WriteString("container_id"u8, o.ContainerId);
        w.WriteString("service"u8, o.Service);
        w.WriteString("growth_started"u8, o.GrowthStarted);
        WriteReport(w, o.Report);
        WriteSamples(w, o.Samples, options);
        WriteEvent(w, o);
        w.WriteEndObject();
    }

    private static void Write(Utf8JsonWriter w, LeakReported r, JsonSerializerOptions options)
    {
        w.WriteStartObject();
        WriteReport(w, r.Report);
        w.WriteBoolean("reopened"u8, r.Reopened);
        WriteSamples(w, r.Samples, options);
        WriteEvent(w, r);
        w.WriteEndObject();
    }

    private static void WriteEvent(Utf8JsonWriter w, LeakEvent e)
    {
        w.WriteString("leak"u8, e.Leak.ToString());
        w.WriteString("time"u8, e.Time);
    }

    private static void WriteReport(Utf8JsonWriter w, LeakReport? report)
    {
        if (report is null)
        {
            w.WriteNull("report"u8);
            return;
        }

        w.WriteStartObject("report"u8);
        w.WriteString("time"u8, report.Time);
        w.WriteString("pattern"u8, EnumNames<GrowthPattern>.Of(report.Pattern));
        w.WriteNumber("bytes_per_second"u8, report.BytesPerSecond);
        w.WriteNumber("confidence"u8, report.Confidence);
        w.WriteNumber("rss_bytes"u8, report.RssBytes);
        NullableNumber(w, "memory_limit_bytes"u8, report.MemoryLimitBytes);
        NullableNumber(w, "seconds_to_limit"u8, report.SecondsToLimit);
        w.WriteEndObject();
    }

    // Left out when empty, as [JsonIgnore(WhenWritingDefault)] does.
    private static void WriteSamples(Utf8JsonWriter w, MemorySamples samples, JsonSerializerOptions options)
    {
        if (samples.Count == 0)
        {
            return;
        }

        w.WritePropertyName("samples"u8);
        Samples.Write(w, samples, options);
    }

    private static void NullableNumber(Utf8JsonWriter w, ReadOnlySpan<byte> name, long? value)
    {
        if (value is { } v)
        {
            w.WriteNumber(name, v);
        }
        else
        {
            w.WriteNull(name);
        }
    }

    private static void NullableNumber(Utf8JsonWriter w, ReadOnlySpan<byte> name, double? value)
    {
        if (value is { } v)
        {
            w.WriteNumber(name, v);
        }
        else
        {
            w.WriteNull(name);
        }
    }

    /// <summary>An enum's name as <see cref="System.Text.Json.Serialization.JsonStringEnumConverter"/> writes it with the snake_case policy.</summary>
    private static class EnumNames<T>
        where T : struct, Enum
    {
        private static readonly Dictionary<T, string> Names = Enum.GetValues<T>().ToDictionary(v => v, v => JsonNamingPolicy.SnakeCaseLower.ConvertName(v.ToString()));

        public static bool Has(T value) => Names.ContainsKey(value);

        public static string Of(T value) => Names[value];
    }
}
