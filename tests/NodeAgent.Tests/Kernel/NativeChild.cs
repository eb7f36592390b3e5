using System.Diagnostics;

namespace MemGrowth.NodeAgent.Tests.Kernel;

/// <summary>Small C programs the kernel tests run as children, compiled once per test run with clang.</summary>
internal static class NativeChild
{
    private static readonly string OutDir = Directory.CreateTempSubdirectory("memgrowth-native").FullName;
    private static readonly Lock Gate = new();

    public static string Path(string name)
    {
        lock (Gate)
        {
            var binary = System.IO.Path.Combine(OutDir, name);
            if (!File.Exists(binary))
            {
                var source = System.IO.Path.Combine(AppContext.BaseDirectory, "Kernel", "native", name + ".c");
                using var clang = Process.Start(new ProcessStartInfo("clang", ["-O1", "-o", binary, source]) { RedirectStandardError = true })!;
                var error = clang.StandardError.ReadToEnd();
                clang.WaitForExit();
                if (clang.ExitCode != 0)
                {
                    throw new InvalidOperationException($"compiling {name}.c failed (clang is installed by ./memgrowth build): {error}");
                }
            }

            return binary;
        }
    }

    public static Process Start(string file, params string[] args) =>
        Process.Start(new ProcessStartInfo(file, args) { RedirectStandardOutput = true, UseShellExecute = false })
        ?? throw new InvalidOperationException($"cannot start {file}");
}
