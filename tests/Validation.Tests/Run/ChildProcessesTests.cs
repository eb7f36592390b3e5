using MemGrowth.Validation.Run;
using Xunit;

namespace MemGrowth.Validation.Tests.Run;

public sealed class ChildProcessesTests
{
    [Fact]
    public void Should_keep_the_pid_through_the_launcher_and_kill_every_child()
    {
        using var children = new ChildProcesses();
        var sleeper = children.Start("/bin/sleep", ["60"]);
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (Comm(sleeper.Id) != "sleep" && DateTime.UtcNow < deadline)
        {
            Thread.Sleep(20);
        }

        // The PID .NET knows is sleep's own (exec), so a signal reaches it and not a shell around it.
        Assert.Equal("sleep", Comm(sleeper.Id));
        var pid = sleeper.Id;
        children.KillAll();
        // Killed and reaped: no process, not even a zombie, is left behind.
        Assert.False(Directory.Exists($"/proc/{pid}"));
    }

    [Fact]
    public void Should_send_output_to_files_not_pipes()
    {
        var dir = Directory.CreateTempSubdirectory("memgrowth-bench-test");
        try
        {
            using var children = new ChildProcesses();
            var (stdout, stderr) = (Path.Combine(dir.FullName, "out"), Path.Combine(dir.FullName, "err"));
            var shell = children.Start("/bin/sh", ["-c", "echo to-out; echo to-err >&2"], stdout, stderr);
            Assert.True(shell.WaitForExit(TimeSpan.FromSeconds(10)));
            Assert.Equal("to-out\n", File.ReadAllText(stdout));
            Assert.Equal("to-err\n", File.ReadAllText(stderr));
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    private static string? Comm(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/comm").Trim();
        }
        catch (IOException)
        {
            return null;
        }
    }
}
