namespace Alknet.Engine.Socks5;

/// <summary>Settings of the SOCKS5 front end's handshake.</summary>
public sealed class Socks5ServerOptions
{
    /// <summary>
    /// When set, clients must authenticate with RFC 1929 username/password; when null, only "no
    /// authentication" is accepted.
    /// </summary>
    public Socks5Credentials? Credentials { get; init; }

    /// <summary>
    /// The whole handshake (greeting, authentication, request) must finish within this time, so a client
    /// that sends one byte and waits is dropped.
    /// </summary>
    public TimeSpan HandshakeTimeout { get; init; } = TimeSpan.FromSeconds(10);
}
