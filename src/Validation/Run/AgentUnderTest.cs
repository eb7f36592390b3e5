using System.Diagnostics;
using System.Text.Json;

namespace MemGrowth.Validation.Run;

/// <summary>
/// One `memgrowth run` child: started, awaited until agent_ready, read through its status file,
/// stopped with SIGTERM (so it detaches and cleans up) and SIGKILL only if it will not go.
/// </summary>
public sealed class AgentUnderTest : IDisposable
{
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(90);
    private static readonly TimeSpan StatusTimeout = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan PollEvery = TimeSpan.FromMilliseconds(100);
    private static int s_started;

    private readonly Process _process;
    private readonly string _jsonlPath;
    private readonly string _statusPath;
    private readonly string _logPath;

    private AgentUnderTest(Process process, string source, string stem)
    {
        _process = process;
        Source = source;
        _jsonlPath = stem + ".jsonl";
        _statusPath = stem + ".status.json";
        _logPath = stem + ".log";
    }

    public string Source { get; }

    public int Pid => _process.Id;

    /// <summary>The agent's --jsonl output.</summary>
    public string JsonlPath => _jsonlPath;

    /// <param name="extraArguments">More `memgrowth run` options, e.g. --trace PATH; a default they name is replaced (<see cref="Arguments"/>).</param>
    public static async Task<AgentUnderTest> StartAsync(
        string executable, string source, string workDir, ChildProcesses children, CancellationToken ct, IReadOnlyList<string>? extraArguments = null)
    {
        var stem = Path.Combine(workDir, $"agent-{Interlocked.Increment(ref s_started)}-{source}");
        var agent = new AgentUnderTest(children.Start(executable, Arguments(source, stem, extraArguments ?? []), "/dev/null", stem + ".log"), source, stem);
        try
        {
            await agent.WaitForReadyAsync(ct).ConfigureAwait(false);
            return agent;
        }
        catch
        {
            agent.Dispose();
            throw;
        }
    }

    /// <summary>`memgrowth run`'s arguments: the defaults, each replaced by <paramref name="extra"/> when it names it (an option is given once).</summary>
    internal static string[] Arguments(string source, string stem, IReadOnlyList<string> extra)
    {
        // The same 1 s resolution for both sources, so bpf and procfs are compared like for like; the leak
        // history and its API on, as `memgrowth run` has them by default (on a port of its own choosing).
        (string Name, string Value)[] defaults =
        [
            ("--source", source), ("--interval", "1s"), ("--jsonl", stem + ".jsonl"), ("--status-file", stem + ".status.json"),
            ("--data-dir", stem + ".history"), ("--api", "127.0.0.1:0"),
        ];
        return ["run", .. defaults.Where(d => !extra.Contains(d.Name)).SelectMany(d => new[] { d.Name, d.Value }), "--quiet", .. extra];
    }

    /// <summary>The first status written at or after <paramref name="notBefore"/>.</summary>
    public Task<AgentStatusSnapshot> StatusAfterAsync(DateTimeOffset notBefore, CancellationToken ct) =>
        WaitForStatusAsync(s => s.Time >= notBefore, $"a status written after {notBefore:HH:mm:ss.fff}", StatusTimeout + (notBefore - DateTimeOffset.UtcNow), ct);

    public async Task<AgentStatusSnapshot> WaitForStatusAsync(
        Func<AgentStatusSnapshot, bool> done, string what, TimeSpan timeout, CancellationToken ct)
    {
        var deadline = Stopwatch.StartNew();
        AgentStatusSnapshot? last = null;
        while (true)
        {
            ThrowIfExited();
            last = TryReadStatus() ?? last;
            if (last is not null && done(last))
            {
                return last;
            }

            if (deadline.Elapsed > timeout)
            {
                throw new BenchmarkException(last is null
                    ? $"the agent (--source {Source}) wrote no status file {_statusPath} within {timeout.TotalSeconds:0}s"
                    : $"waited {timeout.TotalSeconds:0}s for {what}; the agent's last status: {last}");
            }

            await Task.Delay(PollEvery, ct).ConfigureAwait(false);
        }
    }

    public void Stop()
    {
        try
        {
            if (_process.HasExited)
            {
                return;
            }

            _ = NodeAgent.Probe.Native.Libc.Kill(_process.Id, NodeAgent.Probe.Native.Libc.SigTerm);
            if (!_process.WaitForExit(TimeSpan.FromSeconds(15)))
            {
                Console.Error.WriteLine($"[bench] agent {_process.Id} ignored SIGTERM for 15s: killing it");
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(TimeSpan.FromSeconds(10));
            }
        }
        catch (InvalidOperationException)
        {
            // Never started or already reaped.
        }
    }

    public void Dispose()
    {
        Stop();
        _process.Dispose();
    }

    private async Task WaitForReadyAsync(CancellationToken ct)
    {
        var deadline = Stopwatch.StartNew();
        while (!IsReady())
        {
            ThrowIfExited();
            if (deadline.Elapsed > ReadyTimeout)
            {
                throw new BenchmarkException($"the agent (--source {Source}) was not ready after {ReadyTimeout.TotalSeconds:0}s (no agent_ready in {_jsonlPath}); its log:\n{LogTail()}");
            }

            await Task.Delay(PollEvery, ct).ConfigureAwait(false);
        }
    }

    private bool IsReady()
    {
        try
        {
            using var stream = new FileStream(_jsonlPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            using var reader = new StreamReader(stream);
            while (reader.ReadLine() is { } line)
            {
                if (line.Contains("agent_ready", StringComparison.Ordinal) && IsAgentReady(line))
                {
                    return true;
                }
            }
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
        }

        return false;
    }

    private static bool IsAgentReady(string line)
    {
        try
        {
            using var document = JsonDocument.Parse(line);
            return document.RootElement.TryGetProperty("type", out var type) && type.ValueEquals("agent_ready");
        }
        catch (JsonException)
        {
            // A line still being written: the next poll sees it whole.
            return false;
        }
    }

    private AgentStatusSnapshot? TryReadStatus()
    {
        try
        {
            // The agent writes a temporary file and renames it, so a read never sees half a status.
            return AgentStatusSnapshot.Parse(File.ReadAllText(_statusPath));
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
        catch (FormatException e)
        {
            throw new BenchmarkException($"{_statusPath}: {e.Message}", e);
        }
    }

    private void ThrowIfExited()
    {
        if (_process.HasExited)
        {
            throw new BenchmarkException($"the agent (--source {Source}) exited with code {_process.ExitCode}; its log:\n{LogTail()}");
        }
    }

    private string LogTail()
    {
        try
        {
            var lines = File.ReadAllLines(_logPath);
            return lines.Length == 0 ? "(empty)" : string.Join('\n', lines.TakeLast(20));
        }
        catch (IOException e)
        {
            return $"(unreadable: {e.Message})";
        }
    }
}
