using System.Diagnostics;

namespace MemGrowth.Cli.Tests.EndToEnd;

/// <summary>The memgrowth executable as built beside the tests (a project reference to src/Cli copies it, its probe and config).</summary>
internal static class MemgrowthProcess
{
    public static string Dll => Path.Combine(AppContext.BaseDirectory, "memgrowth.dll");

    /// <summary>Starts memgrowth with these arguments, its output and errors redirected.</summary>
    public static Process Start(params string[] args)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(Dll);
        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }

        return Process.Start(info) ?? throw new InvalidOperationException("cannot start memgrowth");
    }
}
