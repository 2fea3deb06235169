using System.Net.Sockets;
using System.Text;

namespace Alknet.Cli.Hosting;

/// <summary>
/// sd_notify(3) without libsystemd: one datagram to the unix socket named by $NOTIFY_SOCKET. A service with
/// Type=notify is "started" only once it sends READY=1, so systemd orders dependants after the listener is bound.
/// Outside systemd the variable is unset and every call is a no-op.
/// </summary>
internal static class SystemdNotify
{
    public static bool Ready(string status) => Send($"READY=1\nSTATUS={status}");

    public static bool Stopping() => Send("STOPPING=1");

    private static bool Send(string state)
    {
        string? path = Environment.GetEnvironmentVariable("NOTIFY_SOCKET");
        if (string.IsNullOrEmpty(path)) return false;
        // '@' marks a socket in the abstract namespace, spelled with a leading NUL byte on the wire.
        if (path[0] == '@') path = "\0" + path[1..];
        try
        {
            using var socket = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
            socket.Connect(new UnixDomainSocketEndPoint(path));
            socket.Send(Encoding.UTF8.GetBytes(state));
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
