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
/// directory, and `memgrowth leaks` lists it: from the node's API while it runs, from its read model (read
/// only) when it does not, including after the agent was killed, and after it was started again; the samples
/// behind its reports are the process's RSS as /proc showed it meanwhile. A graceful stop leaves the read model
/// current, and `memgrowth leaks` on the stopped node's directory changes nothing there.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class HistoryEndToEndTests : IDisposable
{
    private readonly string _history = Directory.CreateTempSubdirectory("memgrowth-history").FullName;

    /// <summary>How far a sample's RSS may lie outside what /proc showed just before and after it (the probe's minimum delta, clock skew).</summary>
    private const long RssTolerance = 2 << 20;

    private string Database => Path.Combine(_history, "memgrowth.db");

    private string ApiAddress => Path.Combine(_history, "api.address");

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

            // While the node runs, `memgrowth leaks` asks its API, whose address it left in the data directory.
            Assert.Equal(agent.ApiUrl, File.ReadAllText(ApiAddress).Trim().TrimEnd('/'));

            // The entity journals asynchronously: ask the history until it has the exit too.
            Assert.True(Poll(() => Leak(pid)?.GetProperty("status").GetString() == "exited", TimeSpan.FromSeconds(15)), "memgrowth leaks never listed the exited leak");
        }

        // Killed (SIGKILL): its address is left behind with nobody answering there, and `memgrowth leaks` reads the
        // read model instead, which the live projection had brought up to the exit.
        Assert.True(File.Exists(ApiAddress));
        Assert.Equal("exited", Leak(pid)?.GetProperty("status").GetString());

        // Started again on the same data directory: the history is still there.
        using (new AgentProcess(_history))
        {
            var leak = Leak(pid);

            Assert.NotNull(leak);
            Assert.Equal("exited", leak.Value.GetProperty("status").GetString());
            Assert.Equal("linear", leak.Value.GetProperty("pattern").GetString());
            Assert.InRange(leak.Value.GetProperty("growth_bytes_per_sec").GetDouble(), 1.8 * 1048576, 2.2 * 1048576);

            // The samples behind the reports are there.
            var store = new ReadModelStore(JournalDatabase.Sqlite, $"Data Source={Database};Mode=ReadOnly");
            var detail = await new LeakQuery(store).GetAsync(LeakId.Parse(leak.Value.GetProperty("id").GetString()!), LeakQuery.DefaultReports, LeakQuery.DefaultSamples, CancellationToken.None);
            AssertSamplesMatch(detail!, observed);
        }
    }

    [Fact]
    public void A_graceful_stop_leaves_the_read_model_current_and_memgrowth_leaks_changes_nothing_of_the_history()
    {
        int pid;
        using (var agent = new AgentProcess(_history))
        {
            using var grower = AgentProcess.StartMemgrowth("grow", "--pattern", "linear", "--rate", "2", "--duration", "8");
            pid = grower.Id;
            Assert.NotNull(agent.WaitFor(l => Is(l, "growth_detected", pid), TimeSpan.FromSeconds(30)));
            grower.WaitForExit();
            Assert.True(agent.WaitFor(l => Is(l, "process_exited", pid), TimeSpan.FromSeconds(30)) is not null,
                $"no process_exited for pid {pid} within 30 s; its lines: {string.Join('\n', agent.Lines().Where(l => l.TryGetProperty("pid", out var p) && p.GetInt32() == pid))}");

            // Stopped as soon as the exit is journaled (the read model, which polls the journal each second, may
            // not have it yet): the stop's outbox drain is bounded, the projection's drain is what is tested.
            Assert.True(Poll(() => JournaledEnds(pid) > 0, TimeSpan.FromSeconds(30)), "the leak's exit was never journaled");
            agent.Stop(TimeSpan.FromSeconds(60));
        }

        Assert.False(File.Exists(ApiAddress)); // a node stopped gracefully takes its address with it
        var before = History();

        var (leaks, stderr) = Leaks();

        Assert.DoesNotContain("behind", stderr, StringComparison.Ordinal); // the read model has every journaled event
        var leak = Assert.Single(leaks, l => l.GetProperty("pid").GetInt32() == pid);
        Assert.Equal("exited", leak.GetProperty("status").GetString());
        Assert.Equal(before, History());
    }

    /// <summary>The exits journaled for the process (read-only, beside the running node).</summary>
    private long JournaledEnds(int pid)
    {
        if (!File.Exists(Database))
        {
            return 0;
        }

        using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Database};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM journal WHERE manifest = @manifest AND persistence_id LIKE @pid";
        command.Parameters.AddWithValue("@manifest", MessageSerializer.ManifestFor(typeof(LeakEnded)));
        command.Parameters.AddWithValue("@pid", string.Create(CultureInfo.InvariantCulture, $"leak-%/{pid}/%"));
        try
        {
            return (long)command.ExecuteScalar()!;
        }
        catch (Microsoft.Data.Sqlite.SqliteException e) when (e.SqliteErrorCode is 1 or 5)
        {
            return 0; // no journal table yet, or the node holds it this instant
        }
    }

    /// <summary>Each file of the data directory SQLite keeps the history in, with its length, last write and a hash of its bytes.</summary>
    private List<string> History() =>
    [
        .. Directory.GetFiles(_history)
            .Where(f => Path.GetFileName(f).StartsWith("memgrowth.db", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .Select(f => string.Create(CultureInfo.InvariantCulture,
                $"{Path.GetFileName(f)} {new FileInfo(f).Length} {File.GetLastWriteTimeUtc(f):O} {Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(f)))}")),
    ];

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

    private JsonElement? Leak(int pid) => Leaks().Leaks.Cast<JsonElement?>().FirstOrDefault(l => l!.Value.GetProperty("pid").GetInt32() == pid);

    /// <summary>`memgrowth leaks --json` on the data directory: its leaks, and what it said on stderr.</summary>
    private (List<JsonElement> Leaks, string Stderr) Leaks()
    {
        using var leaks = AgentProcess.StartMemgrowth("leaks", "--data-dir", _history, "--json");
        var stderr = leaks.StandardError.ReadToEndAsync();
        var lines = leaks.StandardOutput.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        leaks.WaitForExit();
        Assert.True(leaks.ExitCode == 0, $"memgrowth leaks exited {leaks.ExitCode}: {stderr.Result}");
        return ([.. lines.Select(line => JsonDocument.Parse(line).RootElement.Clone())], stderr.Result);
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
