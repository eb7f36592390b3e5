using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using MemGrowth.Cli.Tests.EndToEnd;

namespace MemGrowth.Cli.Tests.Fleet;

/// <summary>
/// One real `memgrowth` process of a fleet test (analytics node, agent, ingest producer) with its own
/// environment; its stdout and stderr lines are collected as they come, so a test awaits what it prints.
/// </summary>
internal sealed class FleetProcess : IDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _lines = new();
    private readonly SemaphoreSlim _newLine = new(0);

    public FleetProcess(string name, IReadOnlyDictionary<string, string> environment, params string[] args)
        : this(name, [], environment, args)
    {
    }

    /// <param name="prefix">A command that runs memgrowth, e.g. `ip netns exec NS` for a process in a network namespace.</param>
    public FleetProcess(string name, IReadOnlyList<string> prefix, IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        Name = name;
        var info = new ProcessStartInfo(prefix.Count > 0 ? prefix[0] : "dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in prefix.Skip(1).Concat(prefix.Count > 0 ? ["dotnet"] : []))
        {
            info.ArgumentList.Add(a);
        }

        info.ArgumentList.Add(AgentProcess.MemgrowthDll);
        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }

        foreach (var (key, value) in environment)
        {
            info.Environment[key] = value;
        }

        _process = new Process { StartInfo = info };
        _process.OutputDataReceived += (_, e) => Add(e.Data);
        _process.ErrorDataReceived += (_, e) => Add(e.Data);
        _process.Start();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public string Name { get; }

    public bool HasExited => _process.HasExited;

    public string Output => string.Join('\n', _lines);

    /// <summary>Waits for a line that matches; fails naming the process and showing what it printed.</summary>
    public async Task<string> WaitForLineAsync(Func<string, bool> match, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        var seen = 0;
        while (true)
        {
            foreach (var line in _lines.Skip(seen))
            {
                seen++;
                if (match(line))
                {
                    return line;
                }
            }

            if (_process.HasExited && _lines.Count == seen)
            {
                throw new InvalidOperationException($"{Name} exited ({_process.ExitCode}) without the awaited line:\n{Tail()}");
            }

            try
            {
                await _newLine.WaitAsync(TimeSpan.FromMilliseconds(200), cts.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"{Name} printed no awaited line within {timeout.TotalSeconds} s:\n{Tail()}");
            }
        }
    }

    /// <summary>Waits for the process to exit by itself; its exit code.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"{Name} still runs after {timeout.TotalSeconds} s:\n{Tail()}");
        }

        return _process.ExitCode;
    }

    /// <summary>SIGKILL: no goodbye to the cluster, nothing flushed beyond what the OS has.</summary>
    public void Kill()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }
    }

    /// <summary>SIGTERM: a graceful stop (the node leaves the cluster, the outbox is compacted).</summary>
    public async Task StopAsync(TimeSpan timeout)
    {
        if (!_process.HasExited)
        {
            _ = MemGrowth.NodeAgent.Probe.Native.Libc.Kill(_process.Id, 15);
            await WaitForExitAsync(timeout);
        }
    }

    public string Tail() => string.Join('\n', _lines.TakeLast(40));

    public void Dispose()
    {
        Kill();
        _process.Dispose();
        _newLine.Dispose();
    }

    /// <summary>A port nothing listens on now (bound, then released).</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private void Add(string? line)
    {
        if (line is not null)
        {
            _lines.Enqueue(line);
            _newLine.Release();
        }
    }
}
