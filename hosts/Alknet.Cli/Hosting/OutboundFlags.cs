using System.CommandLine;
using Alknet.Engine.Dialing;

namespace Alknet.Cli.Hosting;

/// <summary>
/// The --proxy and --connect-timeout flags of every command that dials out (<c>socks</c>, <c>serve</c>), and the
/// outbound <see cref="IDialer"/> they describe, so that both commands accept the same URLs with the same errors.
/// </summary>
internal sealed class OutboundFlags
{
    private readonly Option<string> _proxy;
    private readonly Option<double> _connectTimeout;

    public OutboundFlags(string what)
    {
        // A secret option: a proxy URL may carry a password, which --help must not print as a default.
        _proxy = CliOptions.Secret("--proxy",
            $"Send every {what} through an upstream proxy: socks5://[user:pass@]host:port or http://[user:pass@]host:port (HTTP CONNECT)",
            "ALKNET_PROXY");
        _proxy.HelpName = "URL";
        _connectTimeout = CliOptions.Seconds("--connect-timeout", "Outbound connect timeout, name resolution included", 10);
    }

    public void AddTo(Command command)
    {
        command.Options.Add(_proxy);
        command.Options.Add(_connectTimeout);
    }

    /// <summary>
    /// Builds the dialer. <paramref name="upstream"/> is null for direct connections; its ToString masks the
    /// password, and <paramref name="error"/> never repeats the URL, so neither can leak a password into a log.
    /// </summary>
    public bool TryBuild(ParseResult parse, out IDialer dialer, out UpstreamProxy? upstream, out string error)
    {
        dialer = null!;
        upstream = null;
        error = "";
        string? url = CliOptions.SecretValue(parse, _proxy, "ALKNET_PROXY");
        if (!string.IsNullOrEmpty(url) && !UpstreamProxy.TryParse(url, out upstream, out var proxyError))
        {
            error = $"--proxy: {proxyError}";
            return false;
        }

        var timeout = CliOptions.ToTimeSpan(parse.GetValue(_connectTimeout));
        // One budget for both halves of reaching the target: the TCP connect and the upstream proxy's handshake.
        dialer = DialerFactory.Create(upstream, new DialerOptions { ConnectTimeout = timeout, HandshakeTimeout = timeout });
        return true;
    }
}
