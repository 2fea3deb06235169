using Alknet.Interop.Tests.Peers;
using Alknet.Interop.Tests.Serve;
using Alknet.Interop.Tests.Socks;

namespace Alknet.Interop.Tests.Tunnel;

/// <summary>
/// <c>alknet serve --proxy …</c>: every tunnelled connection leaves the server through an upstream proxy, dante over
/// SOCKS5 or tinyproxy over HTTP CONNECT, with alknet connect in front. That the bytes really went through the proxy
/// is shown three ways: the target's peer socket belongs to the proxy's process, not to serve; a target the proxy's
/// rules refuse is refused through the tunnel (0x02) and never reached, although serve alone would reach it; and
/// tinyproxy logs the CONNECT it relayed.
/// </summary>
[TestFixture]
public sealed class ServeUpstreamProxyTests
{
    private Nginx _nginx = null!;
    private EchoServer _echo = null!;
    private EchoServer _forbidden = null!;
    private Dante _dante = null!;
    private Tinyproxy _tinyproxy = null!;
    private AlknetServe _viaDante = null!;
    private AlknetServe _viaTinyproxy = null!;
    private AlknetConnect _danteClient = null!;
    private AlknetConnect _tinyproxyClient = null!;

    public enum Upstream
    {
        Dante,
        Tinyproxy,
    }

    [OneTimeSetUp]
    public async Task Start()
    {
        _nginx = await Nginx.StartAsync();
        _echo = EchoServer.Start();
        _forbidden = EchoServer.Start();
        // Each proxy refuses the "forbidden" echo server by its own rules and allows the rest.
        _dante = await Dante.StartAsync(blockedPort: _forbidden.Port);
        _tinyproxy = await Tinyproxy.StartAsync(allowedConnectPorts: [_nginx.Port, _echo.Port]);
        _viaDante = await AlknetServe.StartAsync(["--proxy", _dante.ProxyUrl]);
        _viaTinyproxy = await AlknetServe.StartAsync(["--proxy", _tinyproxy.ProxyUrl]);
        await _viaDante.WaitUntilListeningAsync();
        await _viaTinyproxy.WaitUntilListeningAsync();
        _danteClient = await AlknetConnect.StartAsync(_viaDante.Port, _viaDante.ClientKeyPath, _viaDante.WriteKnownHosts());
        _tinyproxyClient = await AlknetConnect.StartAsync(_viaTinyproxy.Port, _viaTinyproxy.ClientKeyPath, _viaTinyproxy.WriteKnownHosts());
    }

    [OneTimeTearDown]
    public async Task Stop()
    {
        if (_tinyproxyClient is not null) await _tinyproxyClient.DisposeAsync();
        if (_danteClient is not null) await _danteClient.DisposeAsync();
        if (_viaTinyproxy is not null) await _viaTinyproxy.DisposeAsync();
        if (_viaDante is not null) await _viaDante.DisposeAsync();
        if (_tinyproxy is not null) await _tinyproxy.DisposeAsync();
        if (_dante is not null) await _dante.DisposeAsync();
        if (_forbidden is not null) await _forbidden.DisposeAsync();
        if (_echo is not null) await _echo.DisposeAsync();
        if (_nginx is not null) await _nginx.DisposeAsync();
    }

    private (AlknetServe Serve, AlknetConnect Connect, PeerProcess Proxy, string ProxyProcessName) Route(Upstream upstream) => upstream == Upstream.Dante
        ? (_viaDante, _danteClient, _dante.Process, "danted")
        : (_viaTinyproxy, _tinyproxyClient, _tinyproxy.Process, "tinyproxy");

    private void AssertNoDestinationLogged(Upstream upstream)
    {
        var (serve, connect, _, _) = Route(upstream);
        int[] ports = [_nginx.Port, _echo.Port, _forbidden.Port];
        LogAssert.NoDestination(serve.Process, ["localhost"], ports);
        LogAssert.NoDestination(connect.Process, ["localhost"], ports);
    }

    [TestCase(Upstream.Dante)]
    [TestCase(Upstream.Tinyproxy)]
    public async Task ServeProxy_CurlBigFileByName_Sha256Matches(Upstream upstream)
    {
        var (serve, connect, proxy, _) = Route(upstream);

        var result = await Curl.FetchAsync(_nginx.Url(Nginx.BigFile, "localhost"), "--socks5-hostname", $"127.0.0.1:{connect.SocksPort}");

        Assert.That(result.ExitCode, Is.Zero, result.StdErr + connect.Process.LogTail() + serve.Process.LogTail() + proxy.LogTail());
        Assert.That(result.Sha256, Is.EqualTo(_nginx.BigFileSha256));
        if (upstream == Upstream.Tinyproxy)
        {
            // The name travelled unresolved all the way to the proxy, which logged the CONNECT it relayed.
            Assert.That(proxy.Output, Does.Contain($"CONNECT localhost:{_nginx.Port} "), proxy.LogTail());
        }

        AssertNoDestinationLogged(upstream);
    }

    [TestCase(Upstream.Dante)]
    [TestCase(Upstream.Tinyproxy)]
    public async Task ServeProxy_OpenTunnelledConnection_TargetsPeerIsTheProxy(Upstream upstream)
    {
        var (_, connect, _, proxyName) = Route(upstream);
        var payload = TunnelTraffic.RandomBytes(100_000);
        await using var probe = await TunnelTraffic.OpenAsync(connect.SocksPort, "127.0.0.1", _echo.Port);
        TunnelTraffic.AssertSameBytes(payload, await TunnelTraffic.EchoAsync(probe.Socket, payload, halfClose: false), "echo via the proxy");

        // The connection is open and has carried data; whoever holds its far end dialed the target.
        var owners = await SocketOwners.OfConnectionsToAsync(_echo.Port);

        Assert.That(owners, Is.Not.Empty.And.All.EqualTo(proxyName), "the echo server's peer must be the proxy, not alknet serve");
        AssertNoDestinationLogged(upstream);
    }

    [TestCase(Upstream.Dante)]
    [TestCase(Upstream.Tinyproxy)]
    public async Task ServeProxy_TargetTheProxyRefuses_Reply02AndTargetNeverReached(Upstream upstream)
    {
        var (serve, connect, proxy, _) = Route(upstream);

        var reply = await TunnelTraffic.ReplyCodeAsync(connect.SocksPort, "127.0.0.1", _forbidden.Port);

        Assert.That(reply, Is.EqualTo(TunnelTraffic.ReplyNotAllowed), connect.Process.LogTail() + serve.Process.LogTail() + proxy.LogTail());
        Assert.That(_forbidden.Accepted, Is.Zero, "the refused target was never connected to");
        AssertNoDestinationLogged(upstream);
    }
}
