using System.Net;

namespace Alknet.Engine.Dialing;

/// <summary>
/// Where an outbound connection should go: an IP literal or a domain name, and a port.
/// Domain names travel unresolved (SOCKS5h) until the dialer that actually connects decides to resolve them.
/// </summary>
/// <remarks>Never log a <see cref="DialTarget"/>: tunnel destinations stay out of logs at every level.</remarks>
public readonly record struct DialTarget(string Host, ushort Port)
{
    /// <summary>The parsed address when <see cref="Host"/> is an IP literal, otherwise null.</summary>
    public IPAddress? Address => IPAddress.TryParse(Host, out var a) ? a : null;

    public static DialTarget FromAddress(IPAddress address, ushort port) => new(address.ToString(), port);

    /// <summary>Deliberately redacted: a target must never reach a log line by accident.</summary>
    public override string ToString() => "<destination>";
}
