using System.Diagnostics;
using System.Text.Json;
using MemGrowth.NodeAgent.Tests.Kernel;

namespace MemGrowth.Cli.Tests.EndToEnd;

/// <summary>
/// The real `memgrowth run` as a child process, writing --jsonl to a temporary file that the test
/// reads line by line. Started once per test class; ready when agent_ready is written.
/// </summary>
public sealed class AgentProcess : IDisposable
{
    private readonly Process _agent;
    private readonly string _dir = Directory.CreateTempSubdirectory("memgrowth-e2e").FullName;

    public AgentProcess()
        : this(null)
    {
    }

    /// <param name="historyDir">A leak history to keep across agents (left in place on dispose); null for one of its own.</param>
    internal AgentProcess(string? historyDir)
    {
        KernelRequirement.Require();
        JsonlPath = Path.Combine(_dir, "detections.jsonl");
        StatusPath = Path.Combine(_dir, "status.json");
        HistoryDir = historyDir ?? Path.Combine(_dir, "history");
        _agent = StartMemgrowth("run", "--jsonl", JsonlPath, "--status-file", StatusPath, "--data-dir", HistoryDir, "--api", "127.0.0.1:0", "--quiet");
        var ready = WaitFor(l => l.GetProperty("type").GetString() == "agent_ready", TimeSpan.FromSeconds(60));
        if (ready is null)
        {
            var error = _agent.HasExited ? _agent.StandardError.ReadToEnd() : "(still running)";
            throw new InvalidOperationException($"the agent wrote no agent_ready within 60 s: {error}");
        }

        ApiUrl = ready.Value.GetProperty("history_api").GetString()
            ?? throw new InvalidOperationException("agent_ready names no history API although --api was given");
    }

    /// <summary>The agent's history API, as agent_ready named it (a free port of its choosing).</summary>
    public string ApiUrl { get; }

    public string JsonlPath { get; }

    public int Pid => _agent.Id;

    public string StatusPath { get; }

    /// <summary>The agent's leak history (its SQLite journal), for `memgrowth leaks --data-dir`.</summary>
    public string HistoryDir { get; }

    /// <summary>The agent as built beside the tests (a project reference copies it, its probe and config).</summary>
    public static string MemgrowthDll => MemgrowthProcess.Dll;

    public static Process StartMemgrowth(params string[] args) => MemgrowthProcess.Start(args);

    public List<JsonElement> Lines()
    {
        if (!File.Exists(JsonlPath))
        {
            return [];
        }

        using var stream = new FileStream(JsonlPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(stream);
        var lines = new List<JsonElement>();
        while (reader.ReadLine() is { } line)
        {
            if (line.Length > 0 && line[^1] == '}')
            {
                lines.Add(JsonDocument.Parse(line).RootElement.Clone());
            }
        }

        return lines;
    }

    /// <summary>Polls the JSON lines until one matches (the agent flushes each line as it writes it).</summary>
    public JsonElement? WaitFor(Func<JsonElement, bool> match, TimeSpan timeout)
    {
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < timeout)
        {
            foreach (var line in Lines())
            {
                if (match(line))
                {
                    return line;
                }
            }

            if (_agent.HasExited)
            {
                throw new InvalidOperationException($"the agent exited ({_agent.ExitCode}): {_agent.StandardError.ReadToEnd()}");
            }

            Thread.Sleep(100);
        }

        return null;
    }

    /// <summary>SIGTERM, as systemd stops it, and the wait for its exit (0).</summary>
    public void Stop(TimeSpan timeout)
    {
        if (MemGrowth.NodeAgent.Probe.Native.Libc.Kill(_agent.Id, 15) != 0)
        {
            throw new InvalidOperationException($"cannot signal the agent (pid {_agent.Id})");
        }

        var stderr = _agent.StandardError.ReadToEndAsync();
        if (!_agent.WaitForExit(timeout))
        {
            throw new InvalidOperationException($"the agent did not stop within {timeout.TotalSeconds} s of SIGTERM");
        }

        if (_agent.ExitCode != 0)
        {
            throw new InvalidOperationException($"the agent exited {_agent.ExitCode} on SIGTERM: {stderr.Result}");
        }
    }

    public void Dispose()
    {
        if (!_agent.HasExited)
        {
            _agent.Kill(entireProcessTree: true);
            _agent.WaitForExit();
        }

        _agent.Dispose();
        Directory.Delete(_dir, recursive: true);
    }
}
