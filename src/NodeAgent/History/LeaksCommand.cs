using System.Globalization;
using System.Text.Json;
using Akka.Actor;
using Akka.Configuration;
using MemGrowth.Analytics.Leaks;
using MemGrowth.Analytics.Persistence;
using MemGrowth.NodeAgent.Agent;
using MemGrowth.Shared.Messages;

namespace MemGrowth.NodeAgent.History;

/// <summary>`memgrowth leaks`: the standalone node's leak history, read from its journal, filtered, newest first.</summary>
internal static class LeaksCommand
{
    /// <summary>Where to look when neither --data-dir nor the configuration names a history.</summary>
    public const string DefaultDataDir = "/var/lib/memgrowth";

    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };

    public static async Task<int> RunAsync(string[] args, TextWriter stdout, CancellationToken ct)
    {
        if (args.Contains("--help") || args.Contains("-h"))
        {
            await stdout.WriteLineAsync(LeaksOptions.Usage).ConfigureAwait(false);
            return 0;
        }

        var defaults = AgentOptions.Parse([], Path.Combine(AppContext.BaseDirectory, "config", "memgrowth.hocon"));
        var options = LeaksOptions.Parse(args, defaults.DataDir ?? DefaultDataDir);
        var database = Path.Combine(options.DataDir, "memgrowth.db");
        if (!File.Exists(database))
        {
            await Console.Error.WriteLineAsync($"memgrowth leaks: no history at {database}: `memgrowth run` keeps it there (--data-dir)").ConfigureAwait(false);
            return 1;
        }

        var config = ConfigurationFactory.ParseString(MessageSerializer.Config + "\nakka.loglevel = WARNING")
            .WithFallback(JournalConfig.Load(JournalDatabase.Sqlite, $"Data Source={database}"));
        using var system = ActorSystem.Create("memgrowth-leaks", config);
        var now = DateTimeOffset.UtcNow;
        var leaks = (await LeakHistory.ReadAllAsync(system, ct).ConfigureAwait(false))
            .Where(l => options.Matches(l, now))
            .OrderByDescending(l => l.Latest.Time)
            .ToList();
        await system.Terminate().ConfigureAwait(false);

        foreach (var leak in leaks)
        {
            await stdout.WriteLineAsync(options.Json ? JsonLine(leak) : TextLine(leak)).ConfigureAwait(false);
        }

        if (!options.Json)
        {
            await stdout.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"{leaks.Count} leaks")).ConfigureAwait(false);
        }

        return 0;
    }

    private static string JsonLine(LeakState l) => JsonSerializer.Serialize(new
    {
        id = l.Leak.ToString(),
        host = l.Leak.Host,
        pid = l.Leak.Pid,
        start_ticks = l.Leak.StartTicks,
        status = l.Status,
        service = l.Service,
        comm = l.Comm,
        cmdline = l.Cmdline,
        cgroup = l.Cgroup,
        container_id = l.ContainerId,
        opened = l.Opened,
        growth_started = l.GrowthStarted,
        confirmed = l.ConfirmedAt,
        ended = l.EndedAt,
        episodes = l.Episodes,
        pattern = l.Latest.Pattern,
        growth_bytes_per_sec = l.Latest.BytesPerSecond,
        confidence = l.Latest.Confidence,
        rss_bytes = l.Latest.RssBytes,
        memory_limit_bytes = l.Latest.MemoryLimitBytes,
        seconds_to_limit = l.Latest.SecondsToLimit,
        last_report = l.Latest.Time,
        reports = l.Reports.Count,
    }, Json);

    private static string TextLine(LeakState l) => string.Create(CultureInfo.InvariantCulture,
        $"{l.Latest.Time.UtcDateTime:yyyy-MM-dd HH:mm:ss}Z  {l.Status.ToString().ToLowerInvariant(),-10} {l.Leak.Host}/{l.Leak.Pid} {l.Comm,-16} {l.Latest.Pattern.ToString().ToLowerInvariant(),-12} {l.Latest.BytesPerSecond / 1048576.0,9:0.000} MiB/s  since {l.GrowthStarted.UtcDateTime:yyyy-MM-dd HH:mm:ss}Z  service {l.Service}");
}
