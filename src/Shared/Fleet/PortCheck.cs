using System.Net;
using System.Net.Sockets;

namespace MemGrowth.Shared.Fleet;

/// <summary>Binds a port once before a node starts, so "port in use" is one clear message instead of a remoting failure.</summary>
public static class PortCheck
{
    /// <exception cref="ArgumentException">The port is taken or the address is not one of this host's.</exception>
    public static void RequireFree(string host, int port, string what)
    {
        if (port == 0)
        {
            return;
        }

        IPAddress address;
        try
        {
            address = IPAddress.TryParse(host, out var parsed) ? parsed : Dns.GetHostAddresses(host).First();
        }
        catch (Exception e) when (e is SocketException or InvalidOperationException)
        {
            throw new ArgumentException($"{what}: cannot resolve '{host}': {e.Message}", e);
        }

        try
        {
            using var listener = new TcpListener(address, port);
            listener.Start();
            listener.Stop();
        }
        catch (SocketException e)
        {
            var why = e.SocketErrorCode == SocketError.AddressAlreadyInUse ? "is in use by another process" : e.Message;
            throw new ArgumentException($"{what}: {host}:{port} {why} (set another port in the config or its environment variable)", e);
        }
    }
}
