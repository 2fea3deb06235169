using System.Net;

namespace Alknet.Cli.Hosting;

/// <summary>
/// The canonical form of a client's address. A dual-mode listener ([::]) reports IPv4 clients as ::ffff:a.b.c.d;
/// the same client must count once against a per-address limit and appear as a.b.c.d in the log lines that
/// fail2ban matches, whichever way the listener was bound.
/// </summary>
internal static class PeerAddress
{
    public static IPAddress Normalize(IPAddress address) => address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;

    public static EndPoint? Normalize(EndPoint? endpoint) =>
        endpoint is IPEndPoint ip && ip.Address.IsIPv4MappedToIPv6 ? new IPEndPoint(ip.Address.MapToIPv4(), ip.Port) : endpoint;
}
