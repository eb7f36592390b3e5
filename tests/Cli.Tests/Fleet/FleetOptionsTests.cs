using System.Collections;
using System.Text.RegularExpressions;
using MemGrowth.Analytics.Persistence;
using MemGrowth.NodeAgent.Fleet;
using MemGrowth.NodeAgent.Tests.Delivery;
using MemGrowth.Shared.Fleet;
using MemGrowth.Shared.Settings;
using Xunit;

namespace MemGrowth.Cli.Tests.Fleet;

/// <summary>The shipped config/fleet.hocon, its documentation of environment variables, and how bad settings are reported.</summary>
public sealed partial class FleetOptionsTests : IDisposable
{
    private static readonly Hashtable NoEnvironment = new();
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    /// <summary>The file the build copies beside memgrowth.dll, which is the one the repository holds.</summary>
    private static string ShippedPath
    {
        get
        {
            var beside = Path.Combine(AppContext.BaseDirectory, "config", "fleet.hocon");
            if (File.Exists(beside))
            {
                return beside;
            }

            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, "config", "fleet.hocon");
                if (File.Exists(Path.Combine(dir.FullName, "MemGrowth.Actors.sln")) && File.Exists(candidate))
                {
                    return candidate;
                }
            }

            throw new FileNotFoundException("config/fleet.hocon is neither beside the test binaries nor in the repository");
        }
    }

    [Fact]
    public void Should_load_the_shipped_config_with_the_documented_defaults()
    {
        var o = FleetOptions.Load(ShippedPath, NoEnvironment);

        Assert.Equal("memgrowth", o.ClusterName);
        Assert.Equal([("127.0.0.1", 4053), ("127.0.0.1", 4054)], o.SeedNodes);
        Assert.Equal("127.0.0.1", o.Hostname);
        Assert.Null(o.PublicHostname);
        Assert.Equal(TimeSpan.FromSeconds(7), o.DownAfter);
        Assert.Equal(4053, o.AnalyticsPort);
        Assert.Equal(JournalDatabase.Sqlite, o.Database);
        Assert.Equal("Data Source=/var/lib/memgrowth/fleet.db", o.ConnectionString);
        Assert.Equal("127.0.0.1", o.ApiBind);
        Assert.Equal(8480, o.ApiPort);
        Assert.Equal(TimeSpan.FromMinutes(2), o.PassivateAfter);
        Assert.Equal(0, o.AgentPort);
        Assert.Equal("/var/lib/memgrowth/outbox", o.OutboxDir);
        Assert.Equal(32L << 20, o.OutboxMaxBytes);
        Assert.Equal(50, o.MaxInFlight);
        Assert.Equal(TimeSpan.FromSeconds(3), o.ResendAfter);
    }

    [Fact]
    public void Should_document_every_environment_variable_beside_its_key_and_no_other()
    {
        var documented = new Dictionary<string, string>(StringComparer.Ordinal);
        var undocumented = new List<string>();
        var sections = new Stack<string>();
        foreach (var raw in File.ReadLines(ShippedPath))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            if (SectionStart().Match(line) is { Success: true } section)
            {
                sections.Push(section.Groups[1].Value);
                continue;
            }

            if (line == "}")
            {
                sections.Pop();
                continue;
            }

            var setting = Setting().Match(line);
            Assert.True(setting.Success, $"fleet.hocon: '{line}' is neither a section nor a setting this test understands");
            var path = string.Join('.', sections.Reverse().Append(setting.Groups[1].Value));
            Assert.StartsWith("memgrowth.fleet.", path, StringComparison.Ordinal);
            var key = path["memgrowth.fleet.".Length..];
            if (setting.Groups[2].Success)
            {
                documented.Add(key, setting.Groups[2].Value);
            }
            else
            {
                undocumented.Add(key);
            }
        }

        Assert.Empty(undocumented);
        Assert.Empty(sections);
        Assert.Equal(
            FleetOptions.EnvironmentVariables.OrderBy(p => p.Key, StringComparer.Ordinal),
            documented.OrderBy(p => p.Key, StringComparer.Ordinal));
    }

    // variable -> (value, the setting it sets, what that setting then is)
    private static readonly Dictionary<string, (string Value, Func<FleetOptions, object?> Read, object? Expected)> OverrideCases = new()
    {
        ["MEMGROWTH_CLUSTER_NAME"] = ("prod-eu", o => o.ClusterName, "prod-eu"),
        ["MEMGROWTH_SEED_NODES"] = ("10.0.0.1:5001, analytics-2:5002", o => string.Join(',', o.SeedNodes), "(10.0.0.1, 5001),(analytics-2, 5002)"),
        ["MEMGROWTH_HOSTNAME"] = ("0.0.0.0", o => o.Hostname, "0.0.0.0"),
        ["MEMGROWTH_PUBLIC_HOSTNAME"] = ("agent-7", o => o.PublicHostname, "agent-7"),
        ["MEMGROWTH_DOWN_AFTER"] = ("15s", o => o.DownAfter, TimeSpan.FromSeconds(15)),
        ["MEMGROWTH_ANALYTICS_PORT"] = ("5053", o => o.AnalyticsPort, 5053),
        ["MEMGROWTH_DATABASE"] = ("postgresql", o => o.Database, JournalDatabase.PostgreSql),
        ["MEMGROWTH_CONNECTION_STRING"] = ("Host=db;Password=\"p\\w\";Database=m", o => o.ConnectionString, "Host=db;Password=\"p\\w\";Database=m"),
        ["MEMGROWTH_API_BIND"] = ("0.0.0.0", o => o.ApiBind, "0.0.0.0"),
        ["MEMGROWTH_API_PORT"] = ("9000", o => o.ApiPort, 9000),
        ["MEMGROWTH_PASSIVATE_AFTER"] = ("30s", o => o.PassivateAfter, TimeSpan.FromSeconds(30)),
        ["MEMGROWTH_RETENTION"] = ("400d", o => o.Retention, TimeSpan.FromDays(400)),
        ["MEMGROWTH_AGENT_PORT"] = ("4100", o => o.AgentPort, 4100),
        ["MEMGROWTH_OUTBOX_DIR"] = ("/tmp/outbox dir", o => o.OutboxDir, "/tmp/outbox dir"),
        ["MEMGROWTH_OUTBOX_MAX_SIZE"] = ("64MiB", o => o.OutboxMaxBytes, 64L << 20),
        ["MEMGROWTH_MAX_IN_FLIGHT"] = ("75", o => o.MaxInFlight, 75),
        ["MEMGROWTH_MAX_BATCH"] = ("8", o => o.MaxBatch, 8),
        ["MEMGROWTH_RESEND_AFTER"] = ("500ms", o => o.ResendAfter, TimeSpan.FromMilliseconds(500)),
    };

    public static TheoryData<string> Overrides => new(OverrideCases.Keys);

    [Theory]
    [MemberData(nameof(Overrides))]
    public void Should_let_an_environment_variable_win_over_the_file(string variable)
    {
        var (value, read, expected) = OverrideCases[variable];
        var fromFile = read(FleetOptions.Load(ShippedPath, NoEnvironment));
        Assert.NotEqual(expected, fromFile);

        var options = FleetOptions.Load(ShippedPath, new Hashtable { [variable] = value, ["MEMGROWTH_UNRELATED"] = "x" });

        Assert.Equal(expected, read(options));
    }

    [Fact]
    public void Should_have_an_override_case_for_every_environment_variable() =>
        Assert.Equal(FleetOptions.EnvironmentVariables.Values.Order(StringComparer.Ordinal), OverrideCases.Keys.Order(StringComparer.Ordinal));

    [Fact]
    public void Should_override_durations_and_sizes_in_every_unit_the_file_takes()
    {
        var options = FleetOptions.Load(ShippedPath, new Hashtable
        {
            ["MEMGROWTH_DOWN_AFTER"] = "3s",
            ["MEMGROWTH_PASSIVATE_AFTER"] = "5m",
            ["MEMGROWTH_OUTBOX_MAX_SIZE"] = "1GiB",
            ["MEMGROWTH_RESEND_AFTER"] = "2 seconds",
        });

        Assert.Equal(
            (TimeSpan.FromSeconds(3), TimeSpan.FromMinutes(5), 1L << 30, TimeSpan.FromSeconds(2)),
            (options.DownAfter, options.PassivateAfter, options.OutboxMaxBytes, options.ResendAfter));
    }

    [Theory]
    [InlineData("memgrowth.fleet", "seed-node = \"127.0.0.1:4053\"")]
    [InlineData("memgrowth.fleet.analytics", "prot = 4053")]
    [InlineData("memgrowth.fleet.agent", "outbox-max-bytes = 1MiB")]
    [InlineData("memgrowth.fleet.agent", "outbox { dir = /tmp }")]
    public void Should_reject_an_unknown_key_in_each_section_by_name(string section, string setting)
    {
        var path = Write(File.ReadAllText(ShippedPath) + $"\n{section} {{ {setting} }}\n");

        var e = Assert.Throws<ArgumentException>(() => FleetOptions.Load(path, NoEnvironment));

        var key = section + "." + setting.Split(' ')[0];
        Assert.Contains($"unknown key {key} ", e.Message, StringComparison.Ordinal);
        Assert.Contains(path, e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("memgrowth.fleet.analytics.port", "0")]
    [InlineData("memgrowth.fleet.analytics.port", "70000")]
    [InlineData("memgrowth.fleet.analytics.port", "-1")]
    [InlineData("memgrowth.fleet.agent.port", "70000")]
    [InlineData("memgrowth.fleet.analytics.api-port", "http")]
    [InlineData("memgrowth.fleet.seed-nodes", "\"x\"")]
    [InlineData("memgrowth.fleet.seed-nodes", "\"127.0.0.1:0\"")]
    [InlineData("memgrowth.fleet.seed-nodes", "\"\"")]
    [InlineData("memgrowth.fleet.analytics.database", "mysql")]
    [InlineData("memgrowth.fleet.analytics.connection-string", "\"\"")]
    [InlineData("memgrowth.fleet.cluster-name", "\"9lives\"")]
    [InlineData("memgrowth.fleet.down-after", "0s")]
    [InlineData("memgrowth.fleet.analytics.retention", "1d")]
    [InlineData("memgrowth.fleet.analytics.retention", "forever")]
    [InlineData("memgrowth.fleet.agent.resend-after", "soon")]
    [InlineData("memgrowth.fleet.agent.outbox-max-size", "1KiB")]
    [InlineData("memgrowth.fleet.agent.max-in-flight", "0")]
    [InlineData("memgrowth.fleet.agent.max-batch", "0")]
    [InlineData("memgrowth.fleet.agent.max-batch", "65")]
    [InlineData("memgrowth.fleet.seed-nodes", "[\"127.0.0.1:4053\", \"127.0.0.1:4054\"]")] // Akka's own seed-nodes is a list
    [InlineData("memgrowth.fleet.cluster-name", "[a, b]")]
    [InlineData("memgrowth.fleet.analytics.connection-string", "{ host = db }")]
    [InlineData("memgrowth.fleet.agent.port", "[4100]")]
    public void Should_name_the_key_of_a_bad_value(string key, string value)
    {
        var path = Write(File.ReadAllText(ShippedPath) + $"\n{key} = {value}\n");

        var e = Assert.Throws<ArgumentException>(() => FleetOptions.Load(path, NoEnvironment));

        Assert.Contains(key + " has a bad value", e.Message, StringComparison.Ordinal);
        Assert.IsNotType<NullReferenceException>(e.InnerException);
    }

    [Theory]
    [InlineData("MEMGROWTH_ANALYTICS_PORT", "0", "memgrowth.fleet.analytics.port")]
    [InlineData("MEMGROWTH_SEED_NODES", "x", "memgrowth.fleet.seed-nodes")]
    [InlineData("MEMGROWTH_DATABASE", "oracle", "memgrowth.fleet.analytics.database")]
    [InlineData("MEMGROWTH_CONNECTION_STRING", " ", "memgrowth.fleet.analytics.connection-string")]
    [InlineData("MEMGROWTH_RESEND_AFTER", "3 fortnights", "memgrowth.fleet.agent.resend-after")]
    public void Should_name_the_key_of_a_bad_value_from_the_environment(string variable, string value, string key)
    {
        var e = Assert.Throws<ArgumentException>(() => FleetOptions.Load(ShippedPath, new Hashtable { [variable] = value }));

        Assert.Contains(key, e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Host=db;\nPassword=p")]
    [InlineData("Host=db;\tPassword=p")]
    [InlineData("Host=db;Password=${HOME}")]
    public void Should_take_an_environment_value_as_it_is(string value)
    {
        var options = FleetOptions.Load(ShippedPath, new Hashtable { ["MEMGROWTH_CONNECTION_STRING"] = value });

        Assert.Equal(value, options.ConnectionString);
    }

    [Fact]
    public void Should_say_when_the_file_is_missing_or_not_hocon()
    {
        var missing = Path.Combine(_dir.Path, "nope.hocon");
        Assert.Contains("does not exist", Assert.Throws<ArgumentException>(() => FleetOptions.Load(missing, NoEnvironment)).Message, StringComparison.Ordinal);

        Assert.Contains("not valid HOCON", Assert.Throws<ArgumentException>(() => FleetOptions.Load(Write("memgrowth.fleet.hostname = ${nowhere}"), NoEnvironment)).Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("memgrowth.fleet.agent = 4100", "memgrowth.fleet.agent")]
    [InlineData("memgrowth.fleet = [1]", "memgrowth.fleet")]
    public void Should_name_a_section_that_is_not_one(string text, string section)
    {
        var e = Assert.Throws<ArgumentException>(() => FleetOptions.Load(Write(text), NoEnvironment));

        Assert.Contains($"{section} must be a section", e.Message, StringComparison.Ordinal);
    }

    // Akka's parser accepts these (an unclosed list; a stray brace, past which it reads nothing): they are refused first.
    [Theory]
    [InlineData("memgrowth.fleet.cluster-name = [a,", "the '[' opened at line 1 is not closed")]
    [InlineData("memgrowth.fleet }", "'}' at line 1 closes nothing")]
    [InlineData("memgrowth.fleet.analytics }\nmemgrowth.fleet.hostname = x", "'}' at line 1 closes nothing")]
    public void Should_refuse_unmatched_brackets_naming_the_line(string text, string fault)
    {
        var path = Write(text);

        var e = Assert.Throws<ArgumentException>(() => FleetOptions.Load(path, NoEnvironment));

        Assert.Equal($"fleet config {path} is not valid HOCON: {fault}", e.Message);
    }

    private string Write(string text)
    {
        var path = Path.Combine(_dir.Path, $"fleet-{Guid.NewGuid():N}.hocon");
        File.WriteAllText(path, text);
        return path;
    }

    [GeneratedRegex(@"^([\w.-]+)\s*\{$")]
    private static partial Regex SectionStart();

    // key = value   # env NAME
    [GeneratedRegex(@"^([\w-]+)\s*=\s*[^#]*?(?:#\s*env\s+([A-Z0-9_]+))?\s*$")]
    private static partial Regex Setting();
}
