using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using MemGrowth.Analytics.Persistence;
using MemGrowth.Analytics.ReadModel;
using MemGrowth.Shared.Messages;
using MemGrowth.Shared.Settings;
using Xunit;

namespace MemGrowth.Cli.Tests.EndToEnd;

/// <summary>
/// The standalone node's leak history: `memgrowth run` journals what it detects into SQLite under its data
/// directory, and `memgrowth leaks` lists it, including after the agent was killed and started again; the
/// samples behind its reports are the process's RSS as /proc showed it meanwhile.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class HistoryEndToEndTests : IDisposable
{
    private readonly string _history = Directory.CreateTempSubdirectory("memgrowth-history").FullName;

    /// <summary>How far a sample's RSS may lie outside what /proc showed just before and after it (the probe's minimum delta, clock skew).</summary>
    private const long RssTolerance = 2 << 20;

    [Fact]
    public async Task A_detected_leak_is_listed_by_memgrowth_leaks_and_survives_an_agent_restart()
    {
        int pid;
        List<(DateTimeOffset Time, long Rss)> observed;
        using (var agent = new AgentProcess(_history))
        {
            using var grower = AgentProcess.StartMemgrowth("grow", "--pattern", "linear", "--rate", "2", "--duration", "12");
            pid = grower.Id;
            var watching = WatchRssAsync(pid);
            Assert.NotNull(agent.WaitFor(l => Is(l, "growth_detected", pid), TimeSpan.FromSeconds(30)));
            grower.WaitForExit();
            observed = await watching;
            Assert.NotNull(agent.WaitFor(l => Is(l, "process_exited", pid), TimeSpan.FromSeconds(30)));

            // The entity journals asynchronously: ask the history until it has the exit too.
            Assert.True(Poll(() => Leak(pid)?.GetProperty("status").GetString() == "exited", TimeSpan.FromSeconds(15)), "memgrowth leaks never listed the exited leak");
        }

        // Killed (SIGKILL) and started again on the same data directory: the history is still there.
        using (new AgentProcess(_history))
        {
            var leak = Leak(pid);

            Assert.NotNull(leak);
            Assert.Equal("exited", leak.Value.GetProperty("status").GetString());
            Assert.Equal("linear", leak.Value.GetProperty("pattern").GetString());
            Assert.InRange(leak.Value.GetProperty("growth_bytes_per_sec").GetDouble(), 1.8 * 1048576, 2.2 * 1048576);

            // `memgrowth leaks` brought the read model up to date: the samples behind the reports are there.
            var store = new ReadModelStore(JournalDatabase.Sqlite, $"Data Source={Path.Combine(_history, "memgrowth.db")}");
            var detail = await new LeakQuery(store).GetAsync(LeakId.Parse(leak.Value.GetProperty("id").GetString()!), LeakQuery.DefaultReports, LeakQuery.DefaultSamples, CancellationToken.None);
            AssertSamplesMatch(detail!, observed);
        }
    }

    /// <summary>Each sample's RSS lies between what /proc showed just before and just after it (within tolerance).</summary>
    private static void AssertSamplesMatch(LeakDetail detail, List<(DateTimeOffset Time, long Rss)> observed)
    {
        Assert.True(detail.Samples.Count >= 5, $"{detail.Samples.Count} samples behind {detail.Reports.Count} reports");
        var reports = detail.Reports.Select(r => r.SequenceNr).ToHashSet();
        Assert.All(detail.Samples, s => Assert.Contains(s.SequenceNr, reports));
        var checkedSamples = 0;
        foreach (var s in detail.Samples)
        {
            var before = observed.LastOrDefault(o => o.Time <= s.Time);
            var after = observed.FirstOrDefault(o => o.Time >= s.Time);
            if (before.Rss == 0 || after.Rss == 0)
            {
                continue;
            }

            Assert.True(
                s.RssBytes >= Math.Min(before.Rss, after.Rss) - RssTolerance && s.RssBytes <= Math.Max(before.Rss, after.Rss) + RssTolerance,
                $"sample {s.Time:O} (report {s.SequenceNr}) RSS {s.RssBytes} is not near /proc's {before.Rss} at {before.Time:O} and {after.Rss} at {after.Time:O}");
            checkedSamples++;
        }

        Assert.True(checkedSamples >= 5, $"only {checkedSamples} of {detail.Samples.Count} samples fell within /proc's observations ({observed.Count}, {observed.FirstOrDefault().Time:O} to {observed.LastOrDefault().Time:O})");
    }

    /// <summary>The process's VmRSS every 100 ms, stamped with the wall clock, until it has none (it exited).</summary>
    private static async Task<List<(DateTimeOffset Time, long Rss)>> WatchRssAsync(int pid)
    {
        var observed = new List<(DateTimeOffset, long)>();
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(100));
        do
        {
            string status;
            try
            {
                status = await File.ReadAllTextAsync($"/proc/{pid}/status");
            }
            catch (IOException)
            {
                break;
            }

            var line = status.Split('\n').FirstOrDefault(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
            if (line is null)
            {
                break; // a zombie: its memory is gone
            }

            observed.Add((DateTimeOffset.UtcNow, 1024 * long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture)));
        }
        while (await timer.WaitForNextTickAsync());

        return observed;
    }

    public void Dispose() => Directory.Delete(_history, recursive: true);

    private static bool Is(JsonElement line, string type, int pid) =>
        line.GetProperty("type").GetString() == type && line.TryGetProperty("pid", out var p) && p.GetInt32() == pid;

    private JsonElement? Leak(int pid)
    {
        using var leaks = AgentProcess.StartMemgrowth("leaks", "--data-dir", _history, "--json");
        var lines = leaks.StandardOutput.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        leaks.WaitForExit();
        Assert.True(leaks.ExitCode == 0, $"memgrowth leaks exited {leaks.ExitCode}: {leaks.StandardError.ReadToEnd()}");
        foreach (var line in lines)
        {
            var json = JsonDocument.Parse(line).RootElement;
            if (json.GetProperty("pid").GetInt32() == pid)
            {
                return json.Clone();
            }
        }

        return null;
    }

    private static bool Poll(Func<bool> done, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < timeout)
        {
            if (done())
            {
                return true;
            }

            Thread.Sleep(250);
        }

        return done();
    }
}
