namespace Alknet.Engine.Dialing;

/// <summary>Builds the outbound dialer for a configuration: direct, or through one upstream proxy.</summary>
public static class DialerFactory
{
    public static IDialer Create(UpstreamProxy? proxy, DialerOptions options) => proxy?.Kind switch
    {
        null => new DirectDialer(options),
        UpstreamProxyKind.Socks5 => new Socks5Dialer(proxy, options),
        UpstreamProxyKind.HttpConnect => new HttpConnectDialer(proxy, options),
        _ => throw new ArgumentOutOfRangeException(nameof(proxy), "Unknown upstream proxy kind."),
    };
}
