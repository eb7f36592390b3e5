using System.Diagnostics;
using System.Runtime.Versioning;
using MemGrowth.Analytics.History;
using MemGrowth.NodeAgent.Probe.Native;
using MemGrowth.Analytics.Tests.History;
using MemGrowth.Shared.Settings;
using Xunit;

namespace MemGrowth.Cli.Tests.EndToEnd;

/// <summary>
/// The real `memgrowth` against what a host can throw at it at start: a broken history database, a data
/// directory it may not write, a config file with an unclosed brace, a full disk. Each is one line on stderr
/// naming the file and what to do, and a documented exit code, never a stack trace. And what it creates
/// that holds command lines is private.
/// </summary>
[UnsupportedOSPlatform("windows")] // file modes; memgrowth is Linux-only
public sealed class StartupFaultsEndToEndTests : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    // Created 0700 by the runtime: only the tests that hand it to user nobody open it up.
    private readonly string _dir = Directory.CreateTempSubdirectory("memgrowth-faults").FullName;

    [Theory]
    [InlineData("garbage")]
    [InlineData("truncated")]
    public void A_broken_history_database_is_one_line_naming_it_for_run_and_for_leaks(string kind)
    {
        var history = Path.Combine(_dir, "history");
        Directory.CreateDirectory(history, PrivateModes.Directory); // one open to others would be narrowed, with a warning
        var database = DataDirectory.DatabasePath(history);
        BrokenDatabase.Write(database, kind);

        var run = Memgrowth([], "run", "--source", "procfs", "--data-dir", history, "--api", "", "--status-file", "", "--duration", "30s", "--quiet");
        var leaks = Memgrowth([], "leaks", "--data-dir", history);

        foreach (var (code, error) in new[] { run, leaks })
        {
            Assert.Equal(DataDirException.ExitCode, code);
            var line = Assert.Single(error);
            Assert.StartsWith($"memgrowth: {database} is not a readable SQLite database (", line, StringComparison.Ordinal);
            Assert.EndsWith("move it aside to start a new history, or pass --data-dir", line, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void A_user_who_may_not_write_the_data_directory_is_told_so_in_one_line()
    {
        RequireReadableByNobody(AgentProcess.MemgrowthDll);
        // As root's default data directory is after a first run: root's, 0700, with a history in it.
        File.SetUnixFileMode(_dir, File.GetUnixFileMode(_dir) | UnixFileMode.OtherExecute);
        var history = Path.Combine(_dir, "history");
        Directory.CreateDirectory(history, PrivateModes.Directory);
        File.WriteAllBytes(DataDirectory.DatabasePath(history), []);

        var run = Memgrowth(Nobody, "run", "--source", "procfs", "--data-dir", history, "--api", "", "--status-file", "", "--duration", "30s", "--quiet");
        var leaks = Memgrowth(Nobody, "leaks", "--data-dir", history);

        Assert.Equal(DataDirException.ExitCode, run.Code);
        Assert.Equal(
            $"memgrowth: cannot write {history} (permission denied): run as root, or pass --data-dir DIR you can write, or --data-dir \"\" for no history",
            Assert.Single(run.Error));
        Assert.Equal(DataDirException.ExitCode, leaks.Code);
        Assert.Equal(
            $"memgrowth: cannot read {DataDirectory.DatabasePath(history)} (permission denied): run as root, or pass --data-dir DIR of a history you can read",
            Assert.Single(leaks.Error));
    }

    [Fact]
    public void A_user_with_a_data_directory_of_their_own_runs_on_procfs()
    {
        RequireReadableByNobody(AgentProcess.MemgrowthDll);
        File.SetUnixFileMode(_dir, File.GetUnixFileMode(_dir) | UnixFileMode.OtherExecute);
        var own = Path.Combine(_dir, "nobody");
        Directory.CreateDirectory(own);
        File.SetUnixFileMode(own, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute);
        var jsonl = Path.Combine(own, "detections.jsonl");

        using var agent = Start(Nobody, "run", "--source", "procfs", "--data-dir", Path.Combine(own, "history"), "--jsonl", jsonl, "--api", "", "--status-file", "", "--quiet");
        var ready = WaitForReady(agent, jsonl);
        Stop(agent);

        Assert.Contains("\"source\":\"procfs\"", ready, StringComparison.Ordinal);
        Assert.Equal(0, agent.ExitCode);
    }

    [Fact]
    public void A_config_file_with_an_unclosed_brace_is_one_line_and_exit_2()
    {
        var config = Path.Combine(_dir, "memgrowth.hocon");
        File.WriteAllText(config, "memgrowth.agent {\n  source = procfs\n  interval = 1s\n");

        var (code, error) = Memgrowth([], "run", "--config", config, "--data-dir", "", "--api", "", "--status-file", "", "--duration", "30s", "--quiet");

        Assert.Equal(2, code);
        Assert.Equal($"memgrowth: config file {config} is not valid HOCON: the '{{' opened at line 1 is not closed", Assert.Single(error));
    }

    [Fact]
    public void A_full_disk_at_start_is_one_line_naming_the_data_directory()
    {
        var mount = Path.Combine(_dir, "full");
        Directory.CreateDirectory(mount);
        Command("mount", "-t", "tmpfs", "-o", "size=256k", "memgrowth-test", mount);
        try
        {
            Fill(Path.Combine(mount, "filler"));
            var history = Path.Combine(mount, "history");

            var (code, error) = Memgrowth([], "run", "--source", "procfs", "--data-dir", history, "--api", "", "--status-file", "", "--duration", "30s", "--quiet");

            Assert.Equal(DataDirException.ExitCode, code);
            Assert.Equal(
                $"memgrowth: cannot write history to {history}: No space left on device: free space there, or pass --data-dir DIR elsewhere, or --data-dir \"\" for no history",
                Assert.Single(error));
        }
        finally
        {
            Command("umount", mount);
        }
    }

    [Fact]
    public void What_holds_command_lines_is_private_and_the_status_file_is_not()
    {
        var history = Path.Combine(_dir, "history");
        var jsonl = Path.Combine(_dir, "detections.jsonl");
        var status = Path.Combine(_dir, "run", "status.json");

        using var agent = Start([], "run", "--source", "procfs", "--data-dir", history, "--jsonl", jsonl, "--status-file", status, "--api", "", "--quiet");
        WaitForReady(agent, jsonl);
        var statusText = WaitForFile(agent, status);
        var modes = new[] { history, DataDirectory.DatabasePath(history), jsonl, status }.Select(File.GetUnixFileMode).ToList();
        Stop(agent);

        Assert.Equal(0, agent.ExitCode);
        Assert.Equal(PrivateModes.Directory, modes[0]);
        Assert.Equal(PrivateModes.File, modes[1]);
        Assert.Equal(PrivateModes.File, modes[2]);
        // The status file holds counters only, so any user may run `memgrowth status`.
        Assert.DoesNotContain("cmdline", statusText, StringComparison.Ordinal);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead, modes[3] | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        Assert.Equal((UnixFileMode)0, modes[3] & (UnixFileMode.GroupWrite | UnixFileMode.OtherWrite | UnixFileMode.UserExecute));
    }

    private static readonly string[] Nobody = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "env", "HOME=/tmp", "DOTNET_CLI_HOME=/tmp"];

    private static Process Start(string[] prefix, params string[] args)
    {
        var command = (string[])[.. prefix, "dotnet", AgentProcess.MemgrowthDll, .. args];
        var info = new ProcessStartInfo(command[0]) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in command[1..])
        {
            info.ArgumentList.Add(a);
        }

        return Process.Start(info) ?? throw new InvalidOperationException($"cannot start {command[0]}");
    }

    /// <summary>Runs memgrowth to its end: its exit code and its stderr lines (stdout is drained and dropped).</summary>
    private static (int Code, string[] Error) Memgrowth(string[] prefix, params string[] args)
    {
        using var process = Start(prefix, args);
        var stdout = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEnd();
        if (!process.WaitForExit(Patience))
        {
            process.Kill(entireProcessTree: true);
            throw new InvalidOperationException($"memgrowth {string.Join(' ', args)} still running after {Patience.TotalSeconds} s (it was expected to stop at start): {error}");
        }

        stdout.Wait();
        return (process.ExitCode, error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    /// <summary>The agent_ready line of --jsonl (the agent flushes each line).</summary>
    private static string WaitForReady(Process agent, string jsonl)
    {
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < Patience)
        {
            if (File.Exists(jsonl) && ReadShared(jsonl).Split('\n').FirstOrDefault(l => l.Contains("\"agent_ready\"", StringComparison.Ordinal)) is { } ready)
            {
                return ready;
            }

            Assert.False(agent.HasExited, $"the agent exited ({(agent.HasExited ? agent.ExitCode : 0)}) before agent_ready: {(agent.HasExited ? agent.StandardError.ReadToEnd() : "")}");
            Thread.Sleep(100);
        }

        agent.Kill(entireProcessTree: true);
        throw new InvalidOperationException($"no agent_ready in {jsonl} within {Patience.TotalSeconds} s");
    }

    private static string WaitForFile(Process agent, string path)
    {
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < Patience)
        {
            if (File.Exists(path))
            {
                return ReadShared(path);
            }

            Assert.False(agent.HasExited, $"the agent exited before writing {path}");
            Thread.Sleep(100);
        }

        throw new InvalidOperationException($"{path} not written within {Patience.TotalSeconds} s");
    }

    private static string ReadShared(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    /// <summary>SIGTERM, as systemd stops it, and the wait for its exit.</summary>
    private static void Stop(Process agent)
    {
        Assert.Equal(0, Libc.Kill(agent.Id, 15));
        var stderr = agent.StandardError.ReadToEndAsync();
        if (!agent.WaitForExit(Patience))
        {
            agent.Kill(entireProcessTree: true);
            throw new InvalidOperationException($"the agent did not stop within {Patience.TotalSeconds} s of SIGTERM");
        }

        Assert.True(agent.ExitCode == 0, $"the agent exited {agent.ExitCode} on SIGTERM: {stderr.Result}");
    }

    private static void Fill(string path)
    {
        using var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.WriteThrough);
        var block = new byte[4096];
        try
        {
            while (true)
            {
                file.Write(block);
            }
        }
        catch (IOException e) when (e.HResult == 28)
        {
            // ENOSPC: full.
        }
    }

    private static void Command(string name, params string[] args)
    {
        using var process = Process.Start(new ProcessStartInfo(name, args) { RedirectStandardError = true }) ?? throw new InvalidOperationException($"cannot start {name}");
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{name} {string.Join(' ', args)} failed ({process.ExitCode}): {error.Trim()} (this test mounts a tmpfs: run as root)");
        }
    }

    /// <summary>User nobody must reach the built agent: every directory above it searchable, the file readable.</summary>
    private static void RequireReadableByNobody(string path)
    {
        if (Libc.GetEuid() != 0)
        {
            throw new InvalidOperationException("this test runs memgrowth as user nobody through setpriv: run the suite as root");
        }

        var full = Path.GetFullPath(path);
        if (!File.GetUnixFileMode(full).HasFlag(UnixFileMode.OtherRead))
        {
            throw new InvalidOperationException($"{full} is not readable by other users, so user nobody cannot run it: build where others can read (chmod o+r)");
        }

        for (var dir = Path.GetDirectoryName(full); dir is not null; dir = Path.GetDirectoryName(dir))
        {
            if (!File.GetUnixFileMode(dir).HasFlag(UnixFileMode.OtherExecute))
            {
                throw new InvalidOperationException($"{dir} is not searchable by other users, so user nobody cannot reach {full}: build under a directory others can enter (chmod o+x), or copy the build elsewhere");
            }
        }
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
