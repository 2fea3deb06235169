namespace Alknet.Engine.Socks5;

/// <summary>
/// A SOCKS5 (RFC 1928) or username/password (RFC 1929) protocol violation, carrying the reply code the peer
/// should be answered with.
/// </summary>
/// <remarks>Messages describe the violation only; they never contain addresses or credentials.</remarks>
public sealed class Socks5Exception : Exception
{
    public Socks5Exception(Socks5ReplyCode reply, string message)
        : base(message) => Reply = reply;

    public Socks5ReplyCode Reply { get; }
}
