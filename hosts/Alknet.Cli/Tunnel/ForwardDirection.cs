namespace Alknet.Cli.Tunnel;

/// <summary>Which side listens for a port forward.</summary>
internal enum ForwardDirection
{
    /// <summary>ssh -L: we listen here; each connection becomes a direct-tcpip channel (RFC 4254 §7.2).</summary>
    Local,

    /// <summary>ssh -R: the server listens after a tcpip-forward request (RFC 4254 §7.1); its connections come back
    /// as forwarded-tcpip channels and we connect them to the target from here.</summary>
    Remote,
}
