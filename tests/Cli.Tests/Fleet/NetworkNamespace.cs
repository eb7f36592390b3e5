using System.Diagnostics;

namespace MemGrowth.Cli.Tests.Fleet;

/// <summary>
/// A network namespace joined to the host by a veth pair: a second "host" on this machine, whose network
/// to the first a test can cut and restore. The namespace side is <see cref="InsideAddress"/>, the host side
/// <see cref="HostAddress"/>. Needs root (CAP_NET_ADMIN); removed on dispose.
/// </summary>
internal sealed class NetworkNamespace : IDisposable
{
    private readonly string _inside;

    private NetworkNamespace(string name, string inside, int subnet)
    {
        Name = name;
        _inside = inside;
        HostAddress = $"10.201.{subnet}.1";
        InsideAddress = $"10.201.{subnet}.2";
    }

    public string Name { get; }

    public string HostAddress { get; }

    public string InsideAddress { get; }

    /// <summary>The command line prefix that runs a program inside the namespace.</summary>
    public IReadOnlyList<string> Exec => ["ip", "netns", "exec", Name];

    public static NetworkNamespace Create()
    {
        var id = Guid.NewGuid().ToString("N")[..6];
        var subnet = Random.Shared.Next(1, 250);
        var ns = new NetworkNamespace($"mg-{id}", $"mga{id}", subnet);
        var host = $"mgh{id}";
        try
        {
            Ip("netns", "add", ns.Name);
            Ip("link", "add", host, "type", "veth", "peer", "name", ns._inside);
            Ip("link", "set", ns._inside, "netns", ns.Name);
            Ip("addr", "add", ns.HostAddress + "/24", "dev", host);
            Ip("link", "set", host, "up");
            Ip("netns", "exec", ns.Name, "ip", "addr", "add", ns.InsideAddress + "/24", "dev", ns._inside);
            Ip("netns", "exec", ns.Name, "ip", "link", "set", ns._inside, "up");
            Ip("netns", "exec", ns.Name, "ip", "link", "set", "lo", "up");
            return ns;
        }
        catch
        {
            ns.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Cuts the link from inside: the namespace's end goes down, the host's end loses its carrier (its
    /// address stays, so processes on the host still reach each other through it).
    /// </summary>
    public void Cut() => Ip("netns", "exec", Name, "ip", "link", "set", _inside, "down");

    public void Restore() => Ip("netns", "exec", Name, "ip", "link", "set", _inside, "up");

    public void Dispose()
    {
        // Deleting the namespace deletes its veth end, and with it the host's.
        using var p = Process.Start(new ProcessStartInfo("ip", ["netns", "del", Name]) { RedirectStandardError = true });
        p?.WaitForExit();
    }

    private static void Ip(params string[] args)
    {
        using var p = Process.Start(new ProcessStartInfo("ip", args) { RedirectStandardError = true, RedirectStandardOutput = true })
            ?? throw new InvalidOperationException("cannot run ip (iproute2)");
        var error = p.StandardError.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0)
        {
            throw new InvalidOperationException($"ip {string.Join(' ', args)} failed ({p.ExitCode}): {error.Trim()} (network namespaces need root and iproute2)");
        }
    }
}
