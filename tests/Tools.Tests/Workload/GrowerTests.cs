using System.Diagnostics;
using System.Globalization;
using MemGrowth.Cli.Tests.EndToEnd;
using MemGrowth.NodeAgent.Sources;
using MemGrowth.Tools.Workload;
using Xunit;

namespace MemGrowth.Tools.Tests.Workload;

/// <summary>
/// The grower for real, in this process: its memory must show in this process's RSS. Run alone
/// (<see cref="ResidentMemoryCollection"/>) so other tests' allocations do not blur the numbers.
/// </summary>
[Collection(ResidentMemoryCollection.Name)]
public sealed class GrowerTests
{
    private const long MiB = 1 << 20;

    /// <summary>What `memgrowth grow --pattern linear --rate <paramref name="rate"/> --duration <paramref name="seconds"/>` is told.</summary>
    private static GrowerOptions Linear(double rate, int seconds) => new(GrowthPattern.Linear, rate, seconds, MemoryKind.Anon, 1, 0);

    [Fact]
    public void Should_grow_anon_rss_by_what_it_holds_then_free_it()
    {
        using var stdout = new StringWriter();

        var code = Grower.Run(Linear(8, 3), stdout, TextWriter.Null, CancellationToken.None);
        var after = RssNow();

        Assert.Equal(0, code);
        var (_, lines) = Parse(stdout);
        Assert.Equal([0, 1, 2, 3], lines.Select(l => l.T));
        Assert.Equal([0, 8 * MiB, 16 * MiB, 24 * MiB], lines.Select(l => l.Held));
        Assert.All(lines, l => Assert.Equal(0, l.Noise));

        var grew = lines[^1].Rss - lines[0].Rss;
        var held = lines[^1].Held;
        Assert.InRange(grew, held * 0.75, held * 1.25);
        // Freed at the end: RSS is back near where it started, not 24 MiB above.
        Assert.True(after < lines[^1].Rss - (held * 3 / 4), $"RSS {after >> 20} MiB after the run, {lines[^1].Rss >> 20} MiB at its end");
    }

    [Fact]
    public void Should_print_its_pid_and_start_then_each_second_on_the_monotonic_clock()
    {
        using var stdout = new StringWriter();
        var before = Mono();

        Assert.Equal(0, Grower.Run(Linear(1, 2), stdout, TextWriter.Null, CancellationToken.None));
        var after = Mono();

        var text = stdout.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Matches($@"^pid={Environment.ProcessId} start mono=\d+\.\d{{3}}$", text[0]);
        Assert.All(text[1..], l => Assert.Matches(@"^t=\d+ held_bytes=\d+ rss_bytes=\d+ mono=\d+\.\d{3} noise_bytes=\d+$", l));
        var (start, lines) = Parse(stdout);
        Assert.InRange(start, before - 0.001, after);
        // Line t is written once t seconds have passed since the start (give or take the timer's millisecond).
        Assert.All(lines, l => Assert.InRange(l.Mono - start, l.T - 0.01, l.T + 0.5));
    }

    [Fact]
    public void Should_jitter_a_separate_region_by_the_seeded_draws_and_keep_it_out_of_held_bytes()
    {
        // A grower of its own: this test's RSS bounds are tight, and the test host's own heap (other tests'
        // garbage given back to the system) moved by 9 MiB under it once in CI.
        using var grower = MemgrowthProcess.Start("grow", "--pattern", "stable", "--rate", "1", "--duration", "2", "--hold", "1", "--noise", "64", "--seed", "7");
        var output = grower.StandardOutput.ReadToEnd();
        Assert.True(grower.WaitForExit(TimeSpan.FromSeconds(30)), "the grower did not finish");

        Assert.Equal(0, grower.ExitCode);
        var (_, lines) = Parse(output);
        var noise = new GrowthNoise(64 * MiB, 7);
        var draws = Enumerable.Range(0, 3).Select(_ => noise.NextBytes()).ToList();
        Assert.Equal([0, MiB, MiB, MiB], lines.Select(l => l.Held));
        // Re-drawn at the start of every second, the hold's included.
        Assert.Equal([0, .. draws], lines.Select(l => l.Noise));
        // Both regions are resident: RSS follows the pattern's memory plus the jitter.
        Assert.All(lines, l => Assert.InRange(l.Rss - lines[0].Rss - (l.Held + l.Noise), -8 * MiB, 8 * MiB));
    }

    [Fact]
    public void Should_stop_early_and_cleanly_when_cancelled()
    {
        using var stdout = new StringWriter();
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(1500));
        var clock = Stopwatch.StartNew();

        var code = Grower.Run(Linear(1, 60), stdout, TextWriter.Null, cancel.Token);

        Assert.Equal(0, code);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"took {clock.Elapsed.TotalSeconds:F1} s to stop");
        var lines = stdout.ToString().Split('\n');
        Assert.StartsWith($"pid={Environment.ProcessId} start mono=", lines[0], StringComparison.Ordinal);
        Assert.StartsWith("t=0 held_bytes=0 rss_bytes=", lines[1], StringComparison.Ordinal);
    }

    [Fact]
    public void Should_split_each_second_into_shares_that_add_up_exactly()
    {
        foreach (var bytes in new long[] { 0, 1, 9, 10, 1_048_576, 8_388_608, 123_456_789 })
        {
            var shares = Enumerable.Range(0, 10).Select(i => Grower.Share(bytes, i)).ToList();
            Assert.Equal(bytes, shares.Sum());
            Assert.True(shares.Max() - shares.Min() <= 1);
        }
    }

    private static long RssNow() => new ProcfsReader().ReadStatus(Environment.ProcessId)!.Value.VmRssBytes;

    private static double Mono() => Stopwatch.GetTimestamp() / (double)Stopwatch.Frequency;

    /// <summary>"pid=P start mono=S", then "t=N held_bytes=B rss_bytes=R mono=S noise_bytes=B" lines.</summary>
    private static (double Start, List<(int T, long Held, long Rss, double Mono, long Noise)> Lines) Parse(StringWriter stdout) => Parse(stdout.ToString());

    private static (double Start, List<(int T, long Held, long Rss, double Mono, long Noise)> Lines) Parse(string stdout)
    {
        var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var start = double.Parse(Fields(lines[0])["mono"], CultureInfo.InvariantCulture);
        var reports = lines.Skip(1).Select(Fields).Select(f => (
            int.Parse(f["t"], CultureInfo.InvariantCulture),
            long.Parse(f["held_bytes"], CultureInfo.InvariantCulture),
            long.Parse(f["rss_bytes"], CultureInfo.InvariantCulture),
            double.Parse(f["mono"], CultureInfo.InvariantCulture),
            long.Parse(f["noise_bytes"], CultureInfo.InvariantCulture))).ToList();
        return (start, reports);
    }

    private static Dictionary<string, string> Fields(string line) =>
        line.Split(' ').Where(f => f.Contains('=', StringComparison.Ordinal)).Select(f => f.Split('=', 2)).ToDictionary(kv => kv[0], kv => kv[1]);
}
