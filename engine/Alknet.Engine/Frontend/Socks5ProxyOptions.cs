using Alknet.Engine.Relay;
using Alknet.Engine.Socks5;

namespace Alknet.Engine.Frontend;

/// <summary>Settings of a SOCKS5 proxy front end (the standalone proxy and the tunnel client's local port).</summary>
public sealed class Socks5ProxyOptions
{
    /// <summary>Handshake settings: credentials and handshake timeout.</summary>
    public Socks5ServerOptions Handshake { get; init; } = new();

    /// <summary>Relay settings: idle timeout.</summary>
    public RelayOptions Relay { get; init; } = RelayOptions.Default;

    /// <summary>Open connections beyond this number are refused at once (0 = unlimited).</summary>
    public int MaxConnections { get; init; }

    /// <summary>On shutdown, how long open connections may finish before they are cut.</summary>
    public TimeSpan DrainTimeout { get; init; } = TimeSpan.FromSeconds(5);
}
