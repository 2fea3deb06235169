using System.Net;
using Alknet.Interop.Tests.Peers;

namespace Alknet.Interop.Tests.Socks;

/// <summary>
/// <c>alknet socks --proxy …</c> chained to real upstream proxies: dante (with and without RFC 1929 auth),
/// microsocks, and tinyproxy over HTTP CONNECT. curl fetches the big file through the chain and the hash must
/// match; an upstream's refusal must reach the client as SOCKS5 reply 0x02.
/// </summary>
[TestFixture]
public sealed class SocksUpstreamTests
{
    private Nginx? _nginx;
    private Dante? _dante;
    private Dante? _danteAuth;
    private Microsocks? _microsocks;
    private Tinyproxy? _tinyproxy;

    [OneTimeSetUp]
    public async Task Start()
    {
        _nginx = await Nginx.StartAsync();
        _dante = await Dante.StartAsync();
        _danteAuth = await Dante.StartAsync(DanteAuth.Username);
        _microsocks = await Microsocks.StartAsync();
        _tinyproxy = await Tinyproxy.StartAsync();
    }

    [OneTimeTearDown]
    public async Task Stop()
    {
        if (_tinyproxy is not null) await _tinyproxy.DisposeAsync();
        if (_microsocks is not null) await _microsocks.DisposeAsync();
        if (_danteAuth is not null) await _danteAuth.DisposeAsync();
        if (_dante is not null) await _dante.DisposeAsync();
        if (_nginx is not null) await _nginx.DisposeAsync();
    }

    private async Task AssertChainDeliversBigFileAsync(string proxyUrl, PeerProcess upstream)
    {
        await using var alknet = await AlknetProcess.StartSocksAsync("--proxy", proxyUrl);

        var result = await Curl.FetchAsync(_nginx!.Url(Nginx.BigFile), "--socks5-hostname", $"127.0.0.1:{alknet.Port}");

        Assert.That(result.ExitCode, Is.Zero, result.StdErr + alknet.LogTail() + upstream.LogTail());
        Assert.That(result.Sha256, Is.EqualTo(_nginx.BigFileSha256));
        LogAssert.NoDestination(alknet, [], [_nginx.Port]);
    }

    [Test]
    public Task SocksProxy_DanteNoAuth_BigFileArrivesIntact() => AssertChainDeliversBigFileAsync(_dante!.ProxyUrl, _dante.Process);

    [Test]
    public Task SocksProxy_DanteUsernameAuth_BigFileArrivesIntact() => AssertChainDeliversBigFileAsync(_danteAuth!.ProxyUrl, _danteAuth.Process);

    [Test]
    public Task SocksProxy_Microsocks_BigFileArrivesIntact() => AssertChainDeliversBigFileAsync(_microsocks!.ProxyUrl, _microsocks.Process);

    [Test]
    public Task SocksProxy_TinyproxyHttpConnect_BigFileArrivesIntact() => AssertChainDeliversBigFileAsync(_tinyproxy!.ProxyUrl, _tinyproxy.Process);

    [Test]
    public async Task SocksProxy_FromEnvironment_BigFileArrivesIntact()
    {
        var port = FreePort.Next();
        await using var alknet = AlknetProcess.Start(["socks", "--listen", $"127.0.0.1:{port}"], new Dictionary<string, string?> { ["ALKNET_PROXY"] = _dante!.ProxyUrl }, port);
        await alknet.WaitForPortAsync(port);

        var result = await Curl.FetchAsync(_nginx!.Url(Nginx.BigFile), "--socks5-hostname", $"127.0.0.1:{port}");

        Assert.That(result.ExitCode, Is.Zero, result.StdErr + alknet.LogTail());
        Assert.That(result.Sha256, Is.EqualTo(_nginx.BigFileSha256));
    }

    [Test]
    public async Task SocksProxy_DanteWrongPassword_ClientGetsFailureReply()
    {
        var wrong = $"socks5://{SystemUser.Name}:not-the-password@127.0.0.1:{_danteAuth!.Port}";
        await using var alknet = await AlknetProcess.StartSocksAsync("--proxy", wrong);
        await using var probe = await Socks5Probe.ConnectAsync(alknet.Port!.Value);
        await probe.NegotiateAsync();

        var reply = await probe.RequestAsync(Socks5Probe.CommandConnect, IPAddress.Loopback, _nginx!.Port);

        Assert.That(reply, Is.Not.Zero, "an upstream that rejects our credentials must not yield success");
    }

    [Test]
    public async Task SocksProxy_DanteBlockRule_RepliesConnectionNotAllowed()
    {
        await using var echo = EchoServer.Start();
        await using var blocking = await Dante.StartAsync(blockedPort: echo.Port);
        await using var alknet = await AlknetProcess.StartSocksAsync("--proxy", blocking.ProxyUrl);
        await using var probe = await Socks5Probe.ConnectAsync(alknet.Port!.Value);
        await probe.NegotiateAsync();

        var reply = await probe.RequestAsync(Socks5Probe.CommandConnect, IPAddress.Loopback, echo.Port);

        Assert.That(reply, Is.EqualTo((byte)0x02), alknet.LogTail() + blocking.Process.LogTail());
        Assert.That(echo.Accepted, Is.Zero);
        LogAssert.NoDestination(alknet, [], [echo.Port]);
    }

    [Test]
    public async Task SocksProxy_TinyproxyForbiddenPort_RepliesConnectionNotAllowed()
    {
        await using var echo = EchoServer.Start();
        await using var restrictive = await Tinyproxy.StartAsync(allowedConnectPorts: [443]);
        await using var alknet = await AlknetProcess.StartSocksAsync("--proxy", restrictive.ProxyUrl);
        await using var probe = await Socks5Probe.ConnectAsync(alknet.Port!.Value);
        await probe.NegotiateAsync();

        var reply = await probe.RequestAsync(Socks5Probe.CommandConnect, IPAddress.Loopback, echo.Port);

        Assert.That(reply, Is.EqualTo((byte)0x02), alknet.LogTail() + restrictive.Process.LogTail());
        Assert.That(echo.Accepted, Is.Zero);
        LogAssert.NoDestination(alknet, [], [echo.Port]);
    }
}
