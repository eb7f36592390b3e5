using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using MemGrowth.Shared.Growth;
using MemGrowth.Shared.Messages;
using Xunit;

namespace MemGrowth.Shared.Tests.Messages;

/// <summary>
/// <see cref="MessageSerializer.Decode"/> reads detections, reports and the events that carry them with
/// readers of its own: whatever JSON it is given, it must read what <see cref="JsonSerializer"/> reads from
/// it with the options the messages are written with, or refuse what that refuses. Checked on every
/// message's written form and on variants of it: each field left out, set to null, of the wrong kind, an
/// unknown one added, names escaped, fields in reverse order, enums in other spellings.
/// </summary>
public sealed class MessageReadersTests
{
    private static readonly DateTimeOffset T0 = TestMessages.T0;
    private static readonly LeakId Leak = TestMessages.Leak;
    private static readonly LeakReport Report = TestMessages.Report;
    private static readonly MemorySamples Samples = TestMessages.Samples;

    private static readonly Detection Detected = new(
        DetectionKind.GrowthDetected,
        T0,
        new DetectedProcess("web-1", new ProcessKey(4242, 599433), T0.AddMinutes(-5), "api", "/usr/bin/api \"q\"", "/system.slice/api.service", "c0ffee", T0.AddMinutes(-5)),
        new GrowthVerdict(GrowthPattern.Accelerating, 1048576.5, 0.71, T0.AddSeconds(-6)),
        new MemoryUsage(100, 90, 10, 5, 7),
        new MemoryLimit(1L << 30, 812.25),
        Samples);

    private static readonly object[] Messages =
    [
        Detected,
        Detected with { Samples = default, Limit = Detected.Limit with { Bytes = null, SecondsToLimit = null }, Process = Detected.Process with { Cgroup = null, ContainerId = null } },
        new DeliverDetection("web-1:/outbox", 17, Detected),
        new DeliverDetections("web-1:/outbox", [19, 23], [Detected, Detected with { Time = T0.AddSeconds(5), Samples = default }]),
        new LeakOpened(Leak, T0, T0.AddMinutes(-5), "api", "/usr/bin/api", "/system.slice/api.service", "0123abcd", "api.service", T0.AddSeconds(-6), Report, Samples),
        new LeakOpened(Leak, T0, T0.AddMinutes(-5), "api", "/usr/bin/api", null, null, "api", T0.AddSeconds(-6), Report with { MemoryLimitBytes = null, SecondsToLimit = null }),
        new LeakReported(Leak, T0.AddSeconds(5), Report, Reopened: true),
        new LeakReported(Leak, T0.AddSeconds(5), Report, Reopened: false, Samples),
    ];

    [Fact]
    public void Every_variant_of_every_message_reads_as_json_serializer_reads_it()
    {
        var mismatches = new List<string>();
        var cases = 0;
        foreach (var message in Messages)
        {
            var manifest = MessageSerializerManifest(message);
            foreach (var json in Variants(Encoding.UTF8.GetString(MessageSerializer.Encode(message))))
            {
                cases++;
                var expected = Reference(json, message.GetType());
                var actual = Ours(json, manifest);
                if (!Same(expected, actual))
                {
                    mismatches.Add($"{manifest} {json}\n  JsonSerializer: {Describe(expected)}\n  ours:           {Describe(actual)}");
                }
            }
        }

        Assert.True(cases > 400, $"only {cases} variants");
        Assert.True(mismatches.Count == 0, $"{mismatches.Count} of {cases} variants read otherwise:\n{string.Join('\n', mismatches.Take(10))}");
    }

    [Fact]
    public void A_message_as_written_reads_back_equal()
    {
        foreach (var message in Messages)
        {
            Assert.Equal(message, MessageSerializer.Decode(MessageSerializer.Encode(message), MessageSerializerManifest(message)));
        }
    }

    private static string MessageSerializerManifest(object message) => new MessageSerializer(null!).Manifest(message);

    /// <summary>The message's JSON and variants of it (see the class summary), nested objects' fields included.</summary>
    private static IEnumerable<string> Variants(string json)
    {
        yield return json;
        var paths = new List<(JsonObject Owner, string Name)>();
        Collect(JsonNode.Parse(json)!, paths);
        var count = paths.Count;
        for (var i = 0; i < count; i++)
        {
            foreach (var mutate in Mutations)
            {
                // Each mutation on a fresh copy, found again by position.
                var root = JsonNode.Parse(json)!;
                var fresh = new List<(JsonObject Owner, string Name)>();
                Collect(root, fresh);
                var (owner, name) = fresh[i];
                if (mutate(owner, name))
                {
                    yield return root.ToJsonString();
                }
            }

            // The name escaped, as another writer might send it.
            var (_, field) = paths[i];
            yield return json.Replace($"\"{field}\":", $"\"\\u{(int)field[0]:x4}{field[1..]}\":", StringComparison.Ordinal);
        }

        var reversed = JsonNode.Parse(json)!.AsObject();
        var copy = new JsonObject();
        foreach (var (name, value) in reversed.Reverse().ToList())
        {
            reversed.Remove(name);
            copy[name] = value;
        }

        yield return copy.ToJsonString();
        yield return "{}";
        yield return "[]";
        yield return "null";
        yield return "{\"unknown\":1}";
    }

    private static void Collect(JsonNode node, List<(JsonObject Owner, string Name)> paths)
    {
        switch (node)
        {
            case JsonObject o:
                foreach (var (name, value) in o.ToList())
                {
                    paths.Add((o, name));
                    if (value is not null)
                    {
                        Collect(value, paths);
                    }
                }

                break;
            case JsonArray a:
                foreach (var item in a.Where(item => item is JsonObject))
                {
                    Collect(item!, paths);
                }

                break;
        }
    }

    private delegate bool Mutation(JsonObject owner, string name);

    private static readonly Mutation[] Mutations =
    [
        (o, n) => o.Remove(n),
        (o, n) => Set(o, n, null),
        (o, n) => Set(o, n, JsonValue.Create(12)),
        (o, n) => Set(o, n, JsonValue.Create(-3.5)),
        (o, n) => Set(o, n, JsonValue.Create("text")),
        (o, n) => Set(o, n, JsonValue.Create(true)),
        (o, n) => Set(o, n, new JsonObject { ["a"] = 1 }),
        (o, n) => Set(o, n, new JsonArray(1, 2)),
        (o, n) => o[n] is JsonValue v && v.TryGetValue<string>(out var s) && Set(o, n, JsonValue.Create(s.ToUpperInvariant())),
        (o, n) => o[n] is JsonValue v && v.TryGetValue<string>(out var s) && Set(o, n, JsonValue.Create(s + ", linear")),
        (o, n) => Set(o, n, JsonValue.Create("1")),
        (o, n) => Set(o, n, JsonValue.Create("2026-11-24T09:00:00Z")),
        (o, n) => Set(o, n, JsonValue.Create(long.MaxValue)),
        (o, n) => { o.Add("extra_" + n, new JsonObject { ["deep"] = new JsonArray(1, new JsonObject()) }); return true; },
    ];

    private static bool Set(JsonObject o, string name, JsonNode? value)
    {
        o[name] = value;
        return true;
    }

    private static object Reference(string json, Type type)
    {
        try
        {
            return JsonSerializer.Deserialize(json, type, MessageSerializer.WriteOptions) ?? (object)"null";
        }
        catch (Exception e) when (e is JsonException or ArgumentException or FormatException or InvalidOperationException or NotSupportedException)
        {
            return e;
        }
    }

    private static object Ours(string json, string manifest)
    {
        try
        {
            // The readers' own reading: Decode reads deliveries detection by detection where this refuses them (MalformedMessagesTests).
            return MessageSerializer.DecodeStrict(Encoding.UTF8.GetBytes(json), manifest);
        }
        catch (Exception e) when (e is System.Runtime.Serialization.SerializationException or FormatException or ArgumentException or InvalidOperationException or NotSupportedException)
        {
            return e;
        }
    }

    /// <summary>Equal messages, or both refused ("null" is JsonSerializer's nothing, which Decode refuses).</summary>
    private static bool Same(object expected, object actual) =>
        expected is Exception or "null" ? actual is Exception : expected.Equals(actual);

    private static string Describe(object o) => o is Exception e ? $"{e.GetType().Name}: {e.Message}" : JsonSerializer.Serialize(o, o.GetType(), MessageSerializer.WriteOptions);
}
