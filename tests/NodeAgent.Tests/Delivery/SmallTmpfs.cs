using System.Diagnostics;

namespace MemGrowth.NodeAgent.Tests.Delivery;

/// <summary>
/// A real tmpfs of a few MiB mounted on a fresh temporary directory, to fill until the kernel answers
/// ENOSPC. Needs root (CAP_SYS_ADMIN): without it the test fails saying so, on a laptop as in CI, as a
/// storage-fault test that quietly skipped would prove nothing.
/// </summary>
internal sealed class SmallTmpfs : IDisposable
{
    private const int ENOSPC = 28;
    private readonly string _filler;

    public SmallTmpfs(string size = "1m")
    {
        Path = Directory.CreateTempSubdirectory("memgrowth-tmpfs-").FullName;
        _filler = System.IO.Path.Combine(Path, "filler");
        if (!Environment.IsPrivilegedProcess)
        {
            Directory.Delete(Path);
            throw new InvalidOperationException("storage-fault tests mount a small tmpfs to fill it: run them as root (sudo dotnet test ...), as CI does");
        }

        var (code, output) = Run("mount", "-t", "tmpfs", "-o", $"size={size},mode=0755", "memgrowth-test", Path);
        if (code != 0)
        {
            Directory.Delete(Path);
            throw new InvalidOperationException($"mount -t tmpfs failed ({output.Trim()}): these tests need CAP_SYS_ADMIN (in a container: --privileged or --cap-add SYS_ADMIN)");
        }
    }

    public string Path { get; }

    /// <summary>Takes every free page with a file of zeros; throws unless the kernel said ENOSPC.</summary>
    public void Fill()
    {
        using var filler = new FileStream(_filler, new FileStreamOptions { Mode = FileMode.Append, Access = FileAccess.Write, BufferSize = 0 });
        var chunk = new byte[64 << 10];
        foreach (var size in new[] { 64 << 10, 4 << 10 })
        {
            try
            {
                while (filler.Length < 1L << 30)
                {
                    filler.Write(chunk, 0, size);
                }

                throw new InvalidOperationException($"{Path} took 1 GiB without ENOSPC: not the small tmpfs it should be");
            }
            catch (IOException e) when (e.HResult == ENOSPC)
            {
                // Full at this grain; the next, smaller one takes what is left.
            }
        }
    }

    public void Free() => File.Delete(_filler);

    public void Dispose()
    {
        if (Run("umount", Path).Code != 0)
        {
            Run("umount", "-l", Path);
        }

        Directory.Delete(Path, recursive: true);
    }

    private static (int Code, string Output) Run(string command, params string[] args)
    {
        var start = new ProcessStartInfo(command) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, output.Result + error);
    }
}
