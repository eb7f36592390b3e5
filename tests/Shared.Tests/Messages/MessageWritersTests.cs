using System.Text.Json;
using MemGrowth.Shared.Growth;
using MemGrowth.Shared.Messages;
using Xunit;

namespace MemGrowth.Shared.Tests.Messages;

/// <summary>
/// <see cref="MessageSerializer.Encode"/> writes detections and the events that carry reports with writers of
/// its own: byte for byte what <see cref="JsonSerializer"/> writes for the same message with the serializer's
/// options, or the same refusal. Checked on every field of each message set, one at a time, to values that
/// test the writer: nulls, text that needs escaping, extreme and fractional numbers, dates at other offsets
/// and to the tick, enums without a name, empty and full samples.
/// </summary>
public sealed class MessageWritersTests
{
    private static readonly DateTimeOffset T0 = TestMessages.T0;
    private static readonly LeakId Leak = TestMessages.Leak;
    private static readonly LeakReport Report = TestMessages.Report;
    private static readonly MemorySamples Samples = TestMessages.Samples;

    private static readonly Detection Detected = new(
        DetectionKind.GrowthDetected,
        T0,
        new DetectedProcess("web-1", new ProcessKey(4242, 599433), T0.AddMinutes(-5), "api", "/usr/bin/api", "/system.slice/api.service", "c0ffee", T0.AddMinutes(-5)),
        new GrowthVerdict(GrowthPattern.Accelerating, 1048576.5, 0.71, T0.AddSeconds(-6)),
        new MemoryUsage(100, 90, 10, 5, 7),
        new MemoryLimit(1L << 30, 812.25),
        Samples);

    private static readonly string?[] Texts = [null, "", "plain", "naïve \"quoted\" <tag> & 'apostrophe' + \\ /", "tab\tnew\nline\u0001", "emoji 🦀 and 中文", new string('x', 5000)];
    private static readonly double[] Doubles = [0, -0.0, 0.1, 1.0 / 3, 1e300, -1e-300, 123456789.125, double.MaxValue, double.Epsilon, double.NaN, double.PositiveInfinity];
    private static readonly long[] Longs = [0, -1, long.MaxValue, long.MinValue, 4096];
    private static readonly DateTimeOffset[] Times =
        [T0, new(2026, 11, 24, 9, 0, 0, 123, TimeSpan.FromHours(5.5)), new DateTimeOffset(639000000000000001, TimeSpan.FromHours(-8)), DateTimeOffset.MinValue, DateTimeOffset.MaxValue];

    public static IEnumerable<object> Messages()
    {
        var detections = new List<Detection> { Detected, Detected with { Samples = default }, Detected with { Kind = (DetectionKind)99 }, Detected with { Growth = Detected.Growth with { Pattern = (GrowthPattern)42 } } };
        detections.AddRange(Texts.SelectMany(t => new[] { Detected with { Process = Detected.Process with { Host = t! } }, Detected with { Process = Detected.Process with { Comm = t! } }, Detected with { Process = Detected.Process with { Cmdline = t! } }, Detected with { Process = Detected.Process with { Cgroup = t } }, Detected with { Process = Detected.Process with { ContainerId = t } } }));
        detections.AddRange(Doubles.SelectMany(v => new[] { Detected with { Growth = Detected.Growth with { BytesPerSecond = v } }, Detected with { Growth = Detected.Growth with { Confidence = v } }, Detected with { Limit = Detected.Limit with { SecondsToLimit = v } } }));
        detections.AddRange(Longs.SelectMany(v => new[] { Detected with { Memory = Detected.Memory with { RssBytes = v } }, Detected with { Memory = Detected.Memory with { SwapBytes = v } }, Detected with { Limit = Detected.Limit with { Bytes = v } } }));
        detections.AddRange(Times.SelectMany(t => new[] { Detected with { Time = t }, Detected with { Process = Detected.Process with { FirstSeen = t } }, Detected with { Growth = Detected.Growth with { Started = t } } }));
        detections.AddRange([Detected with { Limit = Detected.Limit with { Bytes = null, SecondsToLimit = null } }, Detected with { Process = Detected.Process with { Key = new ProcessKey(int.MinValue, ulong.MaxValue) } }]);
        detections.AddRange(Enum.GetValues<DetectionKind>().Select(k => Detected with { Kind = k }));
        detections.AddRange(Enum.GetValues<GrowthPattern>().Select(p => Detected with { Growth = Detected.Growth with { Pattern = p } }));
        foreach (var d in detections)
        {
            yield return d;
        }

        var reports = new List<LeakReport?> { Report, null, Report with { MemoryLimitBytes = null, SecondsToLimit = null }, Report with { Pattern = (GrowthPattern)7 } };
        reports.AddRange(Doubles.Select(v => Report with { BytesPerSecond = v }));
        reports.AddRange(Times.Select(t => Report with { Time = t }));
        foreach (var report in reports)
        {
            yield return new LeakReported(Leak, T0, report!, Reopened: false);
            yield return new LeakReported(Leak, T0, report!, Reopened: true, Samples);
            yield return new LeakOpened(Leak, T0, T0.AddMinutes(-5), "api", "/usr/bin/api", "/system.slice/api.service", "0123abcd", "api.service", T0.AddSeconds(-6), report!, Samples);
        }

        foreach (var t in Texts)
        {
            yield return new LeakOpened(new LeakId(string.IsNullOrEmpty(t) ? "h" : t, 1, 2), T0, T0, t!, t!, t, t, t!, T0, Report);
            yield return new LeakReported(new LeakId(string.IsNullOrEmpty(t) ? "h" : t, 1, 2), T0, Report, false);
        }
    }

    [Fact]
    public void Every_message_is_written_byte_for_byte_as_json_serializer_writes_it()
    {
        var mismatches = new List<string>();
        var cases = 0;
        foreach (var message in Messages())
        {
            cases++;
            var expected = Write(() => JsonSerializer.SerializeToUtf8Bytes(message, message.GetType(), MessageSerializer.WriteOptions));
            var actual = Write(() => MessageSerializer.Encode(message));
            if (expected != actual)
            {
                mismatches.Add($"{message}\n  JsonSerializer: {expected}\n  ours:           {actual}");
            }
        }

        Assert.True(cases > 150, $"only {cases} messages");
        Assert.True(mismatches.Count == 0, $"{mismatches.Count} of {cases} messages written otherwise:\n{string.Join('\n', mismatches.Take(5))}");
    }

    [Fact]
    public void What_is_written_reads_back_equal()
    {
        foreach (var message in Messages().Where(m => m is not Detection { Kind: (DetectionKind)99 } and not Detection { Growth.Pattern: (GrowthPattern)42 }))
        {
            byte[] bytes;
            try
            {
                bytes = MessageSerializer.Encode(message);
            }
            catch (ArgumentException)
            {
                continue; // NaN and infinities: refused by both writers, as JSON has no such numbers
            }

            var manifest = new MessageSerializer(null!).Manifest(message);
            Assert.Equal(message, MessageSerializer.Decode(bytes, manifest));
        }
    }

    /// <summary>The bytes as text, or the refusal's type.</summary>
    private static string Write(Func<byte[]> write)
    {
        try
        {
            return System.Text.Encoding.UTF8.GetString(write());
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or NotSupportedException)
        {
            return "refused: " + e.GetType().Name;
        }
    }
}
