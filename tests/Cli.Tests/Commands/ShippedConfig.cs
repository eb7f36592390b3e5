namespace MemGrowth.Cli.Tests.Commands;

/// <summary>The config files the repository ships (config/*.hocon), which the build copies beside memgrowth.dll.</summary>
internal static class ShippedConfig
{
    public static string Path(string name)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = System.IO.Path.Combine(dir.FullName, "config", name);
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "MemGrowth.Actors.sln")) && File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new FileNotFoundException($"config/{name} is not in the repository above {AppContext.BaseDirectory}");
    }
}
