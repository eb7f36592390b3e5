using System.Globalization;
using MemGrowth.NodeAgent.Sources;
using MemGrowth.NodeAgent.Workload;
using Xunit;

namespace MemGrowth.NodeAgent.Tests.Workload;

/// <summary>
/// The grower for real, in this process: its memory must show in this process's RSS. Run alone
/// (<see cref="ResidentMemoryCollection"/>) so other tests' allocations do not blur the numbers.
/// </summary>
[Collection(ResidentMemoryCollection.Name)]
public sealed class GrowerTests
{
    private const long MiB = 1 << 20;

    [Fact]
    public void Should_grow_anon_rss_by_what_it_holds_then_free_it()
    {
        using var stdout = new StringWriter();

        var code = Grower.Run(["--pattern", "linear", "--rate", "8", "--duration", "3"], stdout, CancellationToken.None);
        var after = RssNow();

        Assert.Equal(0, code);
        var lines = stdout.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(Parse).ToList();
        Assert.Equal([0, 1, 2, 3], lines.Select(l => l.T));
        Assert.Equal([0, 8 * MiB, 16 * MiB, 24 * MiB], lines.Select(l => l.Held));

        var grew = lines[^1].Rss - lines[0].Rss;
        var held = lines[^1].Held;
        Assert.InRange(grew, held * 0.75, held * 1.25);
        // Freed at the end: RSS is back near where it started, not 24 MiB above.
        Assert.True(after < lines[^1].Rss - (held * 3 / 4), $"RSS {after >> 20} MiB after the run, {lines[^1].Rss >> 20} MiB at its end");
    }

    [Fact]
    public void Should_stop_early_and_cleanly_when_cancelled()
    {
        using var stdout = new StringWriter();
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(1500));
        var clock = System.Diagnostics.Stopwatch.StartNew();

        var code = Grower.Run(["--pattern", "linear", "--rate", "1", "--duration", "60"], stdout, cancel.Token);

        Assert.Equal(0, code);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"took {clock.Elapsed.TotalSeconds:F1} s to stop");
        Assert.StartsWith("t=0 held_bytes=0 rss_bytes=", stdout.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Should_exit_2_with_the_reason_and_usage_for_bad_arguments()
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();

        var code = Grower.Run(["--pattern", "spiral", "--rate", "1", "--duration", "5"], stdout, stderr, CancellationToken.None);

        Assert.Equal(2, code);
        Assert.Empty(stdout.ToString());
        Assert.Contains("memgrowth grow: --pattern 'spiral' is not one of", stderr.ToString(), StringComparison.Ordinal);
        Assert.Contains("usage: memgrowth grow", stderr.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Should_print_usage_for_help()
    {
        using var stdout = new StringWriter();
        Assert.Equal(0, Grower.Run(["--help"], stdout, CancellationToken.None));
        Assert.Contains("--pattern", stdout.ToString(), StringComparison.Ordinal);
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

    private static (int T, long Held, long Rss) Parse(string line)
    {
        // t=<s> held_bytes=<n> rss_bytes=<n>
        var values = line.Split(' ').Select(f => long.Parse(f[(f.IndexOf('=') + 1)..], CultureInfo.InvariantCulture)).ToArray();
        return ((int)values[0], values[1], values[2]);
    }
}
