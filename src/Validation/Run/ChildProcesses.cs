using System.Diagnostics;

namespace MemGrowth.Validation.Run;

/// <summary>
/// Every process the benchmark starts, so that all of them die with it whatever path it leaves by.
/// Children write to files, never to pipes: draining pipes would cost the bench process CPU while it
/// times the storm, and a pipe nobody drains would stall the child.
/// </summary>
public sealed class ChildProcesses : IDisposable
{
    // exec keeps the PID .NET knows, so signals reach the program itself and not a shell around it.
    private const string Launcher = "out=$1; err=$2; shift 2; exec \"$@\" </dev/null >\"$out\" 2>\"$err\"";

    private readonly List<Process> _children = [];

    public Process Start(string executable, IEnumerable<string> arguments, string stdoutPath = "/dev/null", string stderrPath = "/dev/null")
    {
        var start = new ProcessStartInfo("/bin/sh") { UseShellExecute = false };
        foreach (var argument in (string[])["-c", Launcher, "memgrowth-bench", stdoutPath, stderrPath, executable, .. arguments])
        {
            start.ArgumentList.Add(argument);
        }

        var process = Process.Start(start) ?? throw new BenchmarkException($"could not start {executable}");
        lock (_children)
        {
            _children.Add(process);
        }

        return process;
    }

    /// <summary>SIGKILL to every child still running, then reap them all.</summary>
    public void KillAll()
    {
        List<Process> children;
        lock (_children)
        {
            children = [.. _children];
            _children.Clear();
        }

        foreach (var child in children)
        {
            try
            {
                if (!child.HasExited)
                {
                    child.Kill();
                }
            }
            catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception)
            {
                // Already gone: nothing left to kill.
            }
        }

        foreach (var child in children)
        {
            try
            {
                child.WaitForExit(TimeSpan.FromSeconds(10));
            }
            catch (InvalidOperationException)
            {
            }

            child.Dispose();
        }
    }

    public void Dispose() => KillAll();
}
