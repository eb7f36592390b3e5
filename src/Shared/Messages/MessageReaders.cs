using System.Text.Json;
using System.Text.Json.Serialization;
using MemGrowth.Shared.Growth;

namespace MemGrowth.Shared.Messages;

/// <summary>
/// Readers for the messages an analytics node reads most (detections, reports, the events that carry
/// them), field by field off the reader, for <see cref="MessageSerializer"/>'s decoding only: what they read
/// is what <see cref="JsonSerializer"/> reads from the same JSON (names matched exactly, fields missing read
/// as their defaults, unknown ones skipped, enums by name in any case or by number), tested against it.
/// System.Text.Json builds a record of more than four constructor parameters through an array of boxed
/// arguments; that was most of the 22% of an analytics node's CPU spent decoding at 20,000 detections/s.
/// Writing is not done here (see <see cref="MessageWriters"/>, byte for byte what <see cref="JsonSerializer"/> writes).
/// <see cref="JsonSerializer"/> here means the generated <see cref="MessageJsonContext"/>; these readers stay because
/// they still decode a detection in about half its time (docs/bench/ingest.md, "Generated JSON against the hand-written readers").
/// </summary>
internal static class MessageReaders
{
    public static readonly JsonConverter[] All = [new DetectionReader(), new LeakReportReader(), new LeakOpenedReader(), new LeakReportedReader()];

    private static readonly MemorySamplesJsonConverter Samples = new();

    /// <summary>
    /// The name of the property the reader is on, unescaped: in <paramref name="buffer"/> (its length
    /// returned), or in <paramref name="longName"/> when longer than the buffer and escaped (it may still be one
    /// of ours); a longer unescaped name is none of ours, and reads as empty.
    /// </summary>
    private static int Name(ref Utf8JsonReader reader, scoped Span<char> buffer, out string? longName)
    {
        if (reader.TokenType != JsonTokenType.PropertyName)
        {
            throw new JsonException($"expected a property name, not {reader.TokenType}");
        }

        longName = null;
        if (reader.ValueSpan.Length <= buffer.Length)
        {
            return reader.CopyString(buffer);
        }

        longName = reader.ValueIsEscaped ? reader.GetString() : null;
        return 0;
    }

    private static void StartObject(ref Utf8JsonReader reader, string what)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw new JsonException($"{what} is an object, not {reader.TokenType}");
        }
    }

    private static string? String(ref Utf8JsonReader reader) => reader.GetString();

    private static DateTimeOffset Time(ref Utf8JsonReader reader) => reader.GetDateTimeOffset();

    private static long? NullableLong(ref Utf8JsonReader reader) => reader.TokenType == JsonTokenType.Null ? null : reader.GetInt64();

    private static double? NullableDouble(ref Utf8JsonReader reader) => reader.TokenType == JsonTokenType.Null ? null : reader.GetDouble();

    private static MemorySamples SamplesOf(ref Utf8JsonReader reader, JsonSerializerOptions options) => Samples.Read(ref reader, typeof(MemorySamples), options);

    private static LeakId LeakIdOf(ref Utf8JsonReader reader) =>
        LeakId.Parse(reader.GetString() ?? throw new JsonException("a leak id is a string"));

    /// <summary>
    /// An enum: its snake_case name as written, looked up here; anything else (another case, a number, names
    /// joined by commas) as <see cref="JsonStringEnumConverter"/> reads it, by that converter.
    /// </summary>
    private static T Enum<T>(ref Utf8JsonReader reader, JsonSerializerOptions options)
        where T : struct, Enum
    {
        if (reader.TokenType == JsonTokenType.String && !reader.ValueIsEscaped && reader.ValueSpan.Length <= 32)
        {
            Span<char> text = stackalloc char[32];
            text = text[..reader.CopyString(text)];
            foreach (var (name, value) in EnumNames<T>.Pairs)
            {
                if (text.SequenceEqual(name))
                {
                    return value;
                }
            }
        }

        return JsonSerializer.Deserialize<T>(ref reader, options);
    }

    private static class EnumNames<T>
        where T : struct, Enum
    {
        public static readonly (string Name, T Value)[] Pairs =
            [.. System.Enum.GetValues<T>().Select(v => (JsonNamingPolicy.SnakeCaseLower.ConvertName(v.ToString()), v))];
    }

    /// <summary>What System.Text.Json throws where a reader's Get method refused the token (a string where a number belongs, say).</summary>
    private static bool Refused(Exception e) => e is InvalidOperationException or FormatException or OverflowException;

    /// <summary>A reader of <typeparamref name="T"/>: refusals of the reader's Get methods become the JsonException System.Text.Json throws.</summary>
    private abstract class ReadOnly<T>(string what) : JsonConverter<T>
    {
        public sealed override T Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            try
            {
                return ReadValue(ref reader, options);
            }
            catch (Exception e) when (Refused(e))
            {
                throw new JsonException($"{what} does not read: {e.Message}", e);
            }
        }

        public sealed override void Write(Utf8JsonWriter writer, T value, JsonSerializerOptions options) =>
            throw new NotSupportedException($"{GetType().Name} only reads: messages are written by JsonSerializer");

        protected abstract T ReadValue(ref Utf8JsonReader reader, JsonSerializerOptions options);
    }

    private sealed class DetectionReader() : ReadOnly<Detection>("a detection")
    {
        protected override Detection ReadValue(ref Utf8JsonReader reader, JsonSerializerOptions options)
        {
            StartObject(ref reader, "a detection");
            DetectionKind kind = default;
            DateTimeOffset time = default, startTime = default, firstSeen = default, growthStarted = default;
            string? host = null, comm = null, cmdline = null, cgroup = null, containerId = null;
            ProcessKey process = default;
            GrowthPattern pattern = default;
            double rate = 0, confidence = 0;
            long rss = 0, anon = 0, file = 0, shmem = 0, swap = 0;
            long? limit = null;
            double? toLimit = null;
            MemorySamples samples = default;
            Span<char> buffer = stackalloc char[32];
            while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
            {
                var length = Name(ref reader, buffer, out var longName);
                var name = longName is null ? buffer[..length] : longName.AsSpan();
                reader.Read();
                switch (name)
                {
                    case "kind": kind = Enum<DetectionKind>(ref reader, options); break;
                    case "time": time = Time(ref reader); break;
                    case "host": host = String(ref reader); break;
                    case "process": process = ReadProcess(ref reader); break;
                    case "start_time": startTime = Time(ref reader); break;
                    case "comm": comm = String(ref reader); break;
                    case "cmdline": cmdline = String(ref reader); break;
                    case "cgroup": cgroup = String(ref reader); break;
                    case "container_id": containerId = String(ref reader); break;
                    case "pattern": pattern = Enum<GrowthPattern>(ref reader, options); break;
                    case "growth_bytes_per_second": rate = reader.GetDouble(); break;
                    case "confidence": confidence = reader.GetDouble(); break;
                    case "rss_bytes": rss = reader.GetInt64(); break;
                    case "anon_bytes": anon = reader.GetInt64(); break;
                    case "file_bytes": file = reader.GetInt64(); break;
                    case "shmem_bytes": shmem = reader.GetInt64(); break;
                    case "swap_bytes": swap = reader.GetInt64(); break;
                    case "first_seen": firstSeen = Time(ref reader); break;
                    case "growth_started": growthStarted = Time(ref reader); break;
                    case "memory_limit_bytes": limit = NullableLong(ref reader); break;
                    case "seconds_to_limit": toLimit = NullableDouble(ref reader); break;
                    case "samples": samples = SamplesOf(ref reader, options); break;
                    default: reader.Skip(); break;
                }
            }

            return new Detection(
                kind,
                time,
                new DetectedProcess(host!, process, startTime, comm!, cmdline!, cgroup, containerId, firstSeen),
                new GrowthVerdict(pattern, rate, confidence, growthStarted),
                new MemoryUsage(rss, anon, file, shmem, swap),
                new MemoryLimit(limit, toLimit),
                samples);
        }

        private static ProcessKey ReadProcess(ref Utf8JsonReader reader)
        {
            StartObject(ref reader, "a process");
            int pid = 0;
            ulong ticks = 0;
            Span<char> buffer = stackalloc char[16];
            while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
            {
                var length = Name(ref reader, buffer, out var longName);
                var name = longName is null ? buffer[..length] : longName.AsSpan();
                reader.Read();
                switch (name)
                {
                    case "pid": pid = reader.GetInt32(); break;
                    case "start_ticks": ticks = reader.GetUInt64(); break;
                    default: reader.Skip(); break;
                }
            }

            return new ProcessKey(pid, ticks);
        }
    }

    private sealed class LeakReportReader() : ReadOnly<LeakReport>("a report")
    {
        public static LeakReport? ReadNullable(ref Utf8JsonReader reader, JsonSerializerOptions options) => reader.TokenType == JsonTokenType.Null ? null : ReadReport(ref reader, options);

        protected override LeakReport ReadValue(ref Utf8JsonReader reader, JsonSerializerOptions options) => ReadReport(ref reader, options);

        private static LeakReport ReadReport(ref Utf8JsonReader reader, JsonSerializerOptions options)
        {
            StartObject(ref reader, "a report");
            DateTimeOffset time = default;
            GrowthPattern pattern = default;
            double rate = 0, confidence = 0;
            long rss = 0;
            long? limit = null;
            double? toLimit = null;
            Span<char> buffer = stackalloc char[32];
            while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
            {
                var length = Name(ref reader, buffer, out var longName);
                var name = longName is null ? buffer[..length] : longName.AsSpan();
                reader.Read();
                switch (name)
                {
                    case "time": time = Time(ref reader); break;
                    case "pattern": pattern = Enum<GrowthPattern>(ref reader, options); break;
                    case "bytes_per_second": rate = reader.GetDouble(); break;
                    case "confidence": confidence = reader.GetDouble(); break;
                    case "rss_bytes": rss = reader.GetInt64(); break;
                    case "memory_limit_bytes": limit = NullableLong(ref reader); break;
                    case "seconds_to_limit": toLimit = NullableDouble(ref reader); break;
                    default: reader.Skip(); break;
                }
            }

            return new LeakReport(time, pattern, rate, confidence, rss, limit, toLimit);
        }

    }

    private sealed class LeakOpenedReader() : ReadOnly<LeakOpened>("a leak-opened event")
    {
        protected override LeakOpened ReadValue(ref Utf8JsonReader reader, JsonSerializerOptions options)
        {
            StartObject(ref reader, "a leak-opened event");
            LeakId leak = default;
            DateTimeOffset time = default, processStarted = default, growthStarted = default;
            string? comm = null, cmdline = null, cgroup = null, containerId = null, service = null;
            LeakReport? report = null;
            MemorySamples samples = default;
            Span<char> buffer = stackalloc char[32];
            while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
            {
                var length = Name(ref reader, buffer, out var longName);
                var name = longName is null ? buffer[..length] : longName.AsSpan();
                reader.Read();
                switch (name)
                {
                    case "leak": leak = LeakIdOf(ref reader); break;
                    case "time": time = Time(ref reader); break;
                    case "process_started": processStarted = Time(ref reader); break;
                    case "comm": comm = String(ref reader); break;
                    case "cmdline": cmdline = String(ref reader); break;
                    case "cgroup": cgroup = String(ref reader); break;
                    case "container_id": containerId = String(ref reader); break;
                    case "service": service = String(ref reader); break;
                    case "growth_started": growthStarted = Time(ref reader); break;
                    case "report": report = LeakReportReader.ReadNullable(ref reader, options); break;
                    case "samples": samples = SamplesOf(ref reader, options); break;
                    default: reader.Skip(); break;
                }
            }

            return new LeakOpened(leak, time, processStarted, comm!, cmdline!, cgroup, containerId, service!, growthStarted, report!, samples);
        }
    }

    private sealed class LeakReportedReader() : ReadOnly<LeakReported>("a leak-reported event")
    {
        protected override LeakReported ReadValue(ref Utf8JsonReader reader, JsonSerializerOptions options)
        {
            StartObject(ref reader, "a leak-reported event");
            LeakId leak = default;
            DateTimeOffset time = default;
            LeakReport? report = null;
            var reopened = false;
            MemorySamples samples = default;
            Span<char> buffer = stackalloc char[16];
            while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
            {
                var length = Name(ref reader, buffer, out var longName);
                var name = longName is null ? buffer[..length] : longName.AsSpan();
                reader.Read();
                switch (name)
                {
                    case "leak": leak = LeakIdOf(ref reader); break;
                    case "time": time = Time(ref reader); break;
                    case "report": report = LeakReportReader.ReadNullable(ref reader, options); break;
                    case "reopened": reopened = reader.GetBoolean(); break;
                    case "samples": samples = SamplesOf(ref reader, options); break;
                    default: reader.Skip(); break;
                }
            }

            return new LeakReported(leak, time, report!, reopened, samples);
        }
    }
}
