using System.Text.RegularExpressions;
using MemGrowth.NodeAgent.Fleet;
using MemGrowth.Shared.Fleet;
using MemGrowth.Shared.Settings;
using Xunit;

namespace MemGrowth.Cli.Tests.Fleet;

/// <summary>
/// docker-compose.yml (no Docker engine runs here) stays consistent with config/: every MEMGROWTH_*
/// variable it sets is a documented fleet key's variable, and the values it sets load as a valid fleet config.
/// </summary>
public sealed class ComposeFileTests
{
    private static readonly string Root = RepositoryRoot();

    [Fact]
    public void Every_variable_the_compose_file_sets_is_a_fleet_key_and_its_values_load()
    {
        var compose = File.ReadAllText(Path.Combine(Root, "docker-compose.yml"));
        var settings = Regex.Matches(compose, @"^\s+(MEMGROWTH_[A-Z_]+):\s*""?([^""\r\n]*)""?\s*$", RegexOptions.Multiline)
            .Select(m => (Name: m.Groups[1].Value, Value: m.Groups[2].Value))
            .ToList();

        Assert.NotEmpty(settings);
        Assert.All(settings, s => Assert.Contains(s.Name, FleetOptions.EnvironmentVariables.Values));
        var environment = new System.Collections.Hashtable();
        foreach (var (name, value) in settings)
        {
            environment[name] = value;
        }

        var fleet = FleetOptions.Load(Path.Combine(Root, "config", "fleet.hocon"), environment);
        Assert.Equal(Shared.Settings.JournalDatabase.PostgreSql, fleet.Database);
        Assert.Equal([("analytics-1", 4053), ("analytics-2", 4053)], fleet.SeedNodes);
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "MemGrowth.Actors.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"no MemGrowth.Actors.sln above {AppContext.BaseDirectory}");
    }
}
