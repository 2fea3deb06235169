using System.Net;
using System.Net.Sockets;

namespace Alknet.Interop.Tests.Peers;

/// <summary>
/// Picks free loopback TCP ports for peers. Ports are chosen below the kernel's ephemeral range so that a port
/// number never coincides with the source port of some connection: a test can then search logs for a target's
/// port and a hit really is a leak.
/// </summary>
public static class FreePort
{
    private const int Lowest = 20000;

    /// <summary>A port on 127.0.0.1 that is free right now and lies outside the ephemeral range.</summary>
    public static int Next()
    {
        var (ephemeralLow, _) = EphemeralRange();
        var highest = Math.Max(Lowest + 1000, ephemeralLow - 1);
        for (var attempt = 0; attempt < 500; attempt++)
        {
            var port = Random.Shared.Next(Lowest, highest);
            if (IsFree(port))
            {
                return port;
            }
        }

        throw new InvalidOperationException($"no free loopback port found between {Lowest} and {highest}");
    }

    /// <summary>True when nothing listens on 127.0.0.1:<paramref name="port"/> and it can be bound.</summary>
    public static bool IsFree(int port)
    {
        try
        {
            using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            probe.Bind(new IPEndPoint(IPAddress.Loopback, port));
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    /// <summary>The kernel's ephemeral port range (net.ipv4.ip_local_port_range).</summary>
    public static (int Low, int High) EphemeralRange()
    {
        try
        {
            var parts = File.ReadAllText("/proc/sys/net/ipv4/ip_local_port_range")
                .Split((char[])['\t', ' ', '\n'], StringSplitOptions.RemoveEmptyEntries);
            return (int.Parse(parts[0]), int.Parse(parts[1]));
        }
        catch (IOException)
        {
            return (32768, 60999);
        }
    }
}
