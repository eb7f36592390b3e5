using System.Globalization;
using MemGrowth.Analytics.Leaks;
using MemGrowth.Analytics.ReadModel;
using MemGrowth.NodeAgent.Agent;

namespace MemGrowth.Cli.Commands;

/// <summary>The arguments of <c>memgrowth leaks</c>, checked.</summary>
/// <param name="Since">Only leaks last seen (reported, resolved or ended) within this long before now.</param>
internal sealed record LeaksOptions(string DataDir, string? Host, string? Service, TimeSpan? Since, LeakStatus[]? Statuses, bool Json)
{
    public const string Usage = """
        usage: memgrowth leaks [--host H] [--service S] [--since 24h] [--status open|resolved|oom|exited] [--json] [--data-dir DIR]
          the leaks this node recorded (its SQLite journal under the data directory of `memgrowth run`, by default
          /var/lib/memgrowth), newest first: what leaked, how fast, since when, how it ended
          --since   only leaks last seen (reported, resolved or ended) within this long (e.g. 30m, 24h, 7d)
          --status  open (suspected or confirmed), resolved, exited or oom (killed by the OOM killer)
          --json    one JSON object per line instead of a table
        """;

    public static LeaksOptions Parse(IReadOnlyList<string> args, string defaultDataDir)
    {
        ArgumentNullException.ThrowIfNull(args);
        string dataDir = defaultDataDir;
        string? host = null, service = null;
        TimeSpan? since = null;
        LeakStatus[]? statuses = null;
        var json = false;
        for (var i = 0; i < args.Count; i++)
        {
            var name = args[i];
            string Value() => i + 1 < args.Count ? args[++i] : throw new ArgumentException($"{name} needs a value\n{Usage}");
            switch (name)
            {
                case "--data-dir":
                    dataDir = Value();
                    break;
                case "--host":
                    host = Value();
                    break;
                case "--service":
                    service = Value();
                    break;
                case "--since":
                    since = ParseSince(Value());
                    break;
                case "--status":
                    statuses = ParseStatus(Value());
                    break;
                case "--json":
                    json = true;
                    break;
                default:
                    throw new ArgumentException($"unknown option '{name}' for leaks\n{Usage}");
            }
        }

        return new LeaksOptions(dataDir, host, service, since, statuses, json);
    }

    /// <summary>The read-model filter these options stand for at <paramref name="now"/>: every leak that matches, however many.</summary>
    public LeakFilter ToFilter(DateTimeOffset now) =>
        new(Host, Service, Since is { } since ? (since < now - DateTimeOffset.MinValue ? now - since : DateTimeOffset.MinValue) : null, Statuses, LeakFilter.MaxLimit);

    /// <summary>As the API reads it ("90s", "30m", "24h", "7d"; a span too long is refused, not an overflow), else as any duration option.</summary>
    private static TimeSpan ParseSince(string text)
    {
        try
        {
            return MemGrowth.Analytics.Api.LeakParameters.ParseSince(text);
        }
        catch (FormatException e) when (e.Message.Contains("too long", StringComparison.Ordinal))
        {
            throw new ArgumentException($"--{e.Message}", e);
        }
        catch (FormatException)
        {
            return AgentOptions.ParseDuration(text, "--since");
        }
    }

    private static LeakStatus[] ParseStatus(string text) => text switch
    {
        "open" => [LeakStatus.Suspected, LeakStatus.Confirmed],
        "resolved" => [LeakStatus.Resolved],
        "exited" => [LeakStatus.Exited],
        "oom" => [LeakStatus.OomKilled],
        _ => throw new ArgumentException($"--status '{text}' is not one of open, resolved, exited, oom"),
    };
}
