namespace Alknet.Engine.Dialing;

/// <summary>The protocol spoken to an upstream proxy.</summary>
public enum UpstreamProxyKind
{
    /// <summary>RFC 1928 CONNECT (URL schemes <c>socks5://</c> and <c>socks5h://</c>; names always travel unresolved).</summary>
    Socks5,

    /// <summary>HTTP CONNECT, RFC 9110 §9.3.6 (URL scheme <c>http://</c>).</summary>
    HttpConnect,
}
