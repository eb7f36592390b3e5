using System.Reflection;
using System.Xml.Linq;
using Xunit;

namespace MemGrowth.Cli.Tests.Architecture;

/// <summary>
/// The dependency rules of the tree (docs/architecture.md), pinned: arrows point one way, from the executable
/// to the roles to Shared. A role that needs another's type says that the type belongs in Shared; the
/// executable sees only what the roles make public.
/// </summary>
public sealed class DependencyRulesTests
{
    /// <summary>Each project under src/ and the projects it may reference; nothing else.</summary>
    private static readonly Dictionary<string, string[]> Allowed = new()
    {
        ["Shared"] = [],
        ["NodeAgent"] = ["Shared"],
        ["Analytics"] = ["Shared"],
        // `validate` runs the real agent and reads the agent's own settings to score it as it runs.
        ["Validation"] = ["Shared", "NodeAgent"],
        // Benchmarks drive every part; no role depends on them.
        ["Tools"] = ["Shared", "NodeAgent", "Analytics", "Validation"],
        ["Cli"] = ["Shared", "NodeAgent", "Analytics", "Validation", "Tools"],
    };

    [Fact]
    public void Every_project_references_only_what_its_rules_allow()
    {
        var projects = Directory.GetFiles(Path.Combine(Root(), "src"), "*.csproj", SearchOption.AllDirectories);

        Assert.Equal(Allowed.Keys.Order(), projects.Select(p => Path.GetFileNameWithoutExtension(p)).Order());
        foreach (var project in projects)
        {
            var name = Path.GetFileNameWithoutExtension(project);
            var references = XDocument.Load(project).Descendants("ProjectReference")
                .Select(r => Path.GetFileNameWithoutExtension(r.Attribute("Include")!.Value)).ToList();
            Assert.All(references, r => Assert.True(Allowed[name].Contains(r), $"src/{name} references {r}, which its rules do not allow"));
        }
    }

    [Fact]
    public void The_compiled_assemblies_use_only_what_the_rules_allow()
    {
        // What the compiler kept: a reference the code uses, whatever the project file says.
        foreach (var (name, allowed) in Allowed)
        {
            var assembly = Assembly.Load(name == "Cli" ? "memgrowth" : $"MemGrowth.{name}");
            var used = assembly.GetReferencedAssemblies().Select(a => a.Name!).Where(a => a.StartsWith("MemGrowth.", StringComparison.Ordinal) || a == "memgrowth")
                .Select(a => a == "memgrowth" ? "Cli" : a["MemGrowth.".Length..]);
            Assert.All(used, u => Assert.True(allowed.Contains(u), $"{assembly.GetName().Name} uses {u}, which its rules do not allow"));
        }
    }

    [Fact]
    public void Only_tests_see_internals()
    {
        foreach (var project in Directory.GetFiles(Path.Combine(Root(), "src"), "*.csproj", SearchOption.AllDirectories))
        {
            var friends = XDocument.Load(project).Descendants("InternalsVisibleTo").Select(e => e.Attribute("Include")!.Value);
            Assert.All(friends, f => Assert.True(f.EndsWith(".Tests", StringComparison.Ordinal), $"{Path.GetFileName(project)} opens its internals to {f}: make what it needs public"));
        }
    }

    private static string Root()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "MemGrowth.Actors.sln")))
            {
                return dir.FullName;
            }
        }

        throw new DirectoryNotFoundException($"no MemGrowth.Actors.sln above {AppContext.BaseDirectory}");
    }
}
