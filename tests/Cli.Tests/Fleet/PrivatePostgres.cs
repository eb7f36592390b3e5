using System.Diagnostics;
using System.Globalization;

namespace MemGrowth.Cli.Tests.Fleet;

/// <summary>
/// A PostgreSQL server of the test's own (Debian's binaries, a fresh cluster in a temporary directory, a
/// free port on 127.0.0.1), so that a test can stop and start it without touching the server the other
/// tests share. Needs root (the cluster runs as the postgres user) and the postgresql package, which
/// tests/postgres.sh installs; without them the test fails saying so.
/// </summary>
internal sealed class PrivatePostgres : IDisposable
{
    private readonly string _bin;
    private readonly string _data;

    private PrivatePostgres(string bin, string data, int port)
    {
        _bin = bin;
        _data = data;
        Port = port;
    }

    public int Port { get; }

    public string ConnectionString => $"Host=127.0.0.1;Port={Port};Username=memgrowth;Database=memgrowth;Timeout=3;Command Timeout=10";

    /// <summary>Creates and starts the cluster; its database "memgrowth" belongs to the trusted user memgrowth.</summary>
    public static async Task<PrivatePostgres> StartAsync()
    {
        var versions = Directory.Exists("/usr/lib/postgresql") ? Directory.GetDirectories("/usr/lib/postgresql") : [];
        var bin = versions.Select(v => Path.Combine(v, "bin")).Where(b => File.Exists(Path.Combine(b, "pg_ctl"))).Order().LastOrDefault()
            ?? throw new InvalidOperationException("PostgreSQL's binaries are not installed: run tests/postgres.sh as root (./memgrowth test does), or apt-get install postgresql");
        if (Environment.UserName != "root")
        {
            throw new InvalidOperationException("a private PostgreSQL cluster needs root (it runs as the postgres user): run the tests as root");
        }

        var root = Directory.CreateTempSubdirectory("memgrowth-pg-").FullName;
        var data = Path.Combine(root, "data");
        await RunAsync("chown", "postgres:postgres", root);
        var server = new PrivatePostgres(bin, data, FleetProcess.FreePort());
        await server.AsPostgresAsync("initdb", "-D", data, "-U", "memgrowth", "--auth=trust", "--no-sync", "-E", "UTF8");
        await File.AppendAllTextAsync(Path.Combine(data, "postgresql.conf"), string.Create(CultureInfo.InvariantCulture,
            $"\nport = {server.Port}\nlisten_addresses = '127.0.0.1'\nunix_socket_directories = '{root}'\nfsync = off\n"));
        await server.StartServerAsync();
        await server.AsPostgresAsync("psql", "-h", "127.0.0.1", "-p", server.Port.ToString(CultureInfo.InvariantCulture), "-U", "memgrowth", "-d", "postgres", "-qc", "CREATE DATABASE memgrowth");
        return server;
    }

    /// <summary>Starts the server and returns once it accepts connections.</summary>
    public Task StartServerAsync() => AsPostgresAsync("pg_ctl", "-D", _data, "-w", "-l", Path.Combine(_data, "..", "server.log"), "start");

    /// <summary>Stops the server at once (fast shutdown: open connections are cut) and returns once it is down.</summary>
    public Task StopServerAsync() => AsPostgresAsync("pg_ctl", "-D", _data, "-w", "-m", "fast", "stop");

    public void Dispose()
    {
        try
        {
            StopServerAsync().GetAwaiter().GetResult();
        }
        catch (InvalidOperationException)
        {
            // already stopped
        }

        Directory.Delete(Path.GetDirectoryName(_data)!, recursive: true);
    }

    private Task AsPostgresAsync(string tool, params string[] args) =>
        RunAsync("runuser", ["-u", "postgres", "--", Path.Combine(_bin, tool), .. args]);

    private static async Task RunAsync(string file, params string[] args)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = "/" };
        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }

        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', args)} exited {process.ExitCode}: {await error}{await output}");
        }
    }
}
