using Alknet.Interop.Tests.Peers;

namespace Alknet.Interop.Tests.Socks;

/// <summary>
/// curl, the reference SOCKS5 client, fetches a multi-megabyte random file from nginx through <c>alknet socks</c>:
/// remote name resolution (socks5h), local resolution, and RFC 1929 credentials. The body's hash proves every
/// byte crossed the relay intact.
/// </summary>
[TestFixture]
public sealed class SocksCurlTests
{
    private const string User = "curl-user";
    private const string Pass = "curl-Pass-93";

    private Nginx? _nginx;
    private AlknetProcess? _open;
    private AlknetProcess? _authenticated;

    [OneTimeSetUp]
    public async Task Start()
    {
        _nginx = await Nginx.StartAsync();
        _open = await AlknetProcess.StartSocksAsync();
        _authenticated = await AlknetProcess.StartSocksAsync("--user", User, "--pass", Pass);
    }

    [OneTimeTearDown]
    public async Task Stop()
    {
        if (_authenticated is not null) await _authenticated.DisposeAsync();
        if (_open is not null) await _open.DisposeAsync();
        if (_nginx is not null) await _nginx.DisposeAsync();
    }

    [Test]
    public async Task Socks_CurlSocks5Hostname_BigFileArrivesIntact()
    {
        var result = await Curl.FetchAsync(_nginx!.Url(Nginx.BigFile, "localhost"), "--socks5-hostname", $"127.0.0.1:{_open!.Port}");

        Assert.That(result.ExitCode, Is.Zero, result.StdErr + _open.LogTail());
        Assert.That(result.Sha256, Is.EqualTo(_nginx.BigFileSha256));
    }

    [Test]
    public async Task Socks_CurlSocks5LocalResolution_BigFileArrivesIntact()
    {
        var result = await Curl.FetchAsync(_nginx!.Url(Nginx.BigFile), "--socks5", $"127.0.0.1:{_open!.Port}");

        Assert.That(result.ExitCode, Is.Zero, result.StdErr + _open.LogTail());
        Assert.That(result.Sha256, Is.EqualTo(_nginx.BigFileSha256));
        LogAssert.NoDestination(_open, [], [_nginx.Port]);
    }

    [Test]
    public async Task Socks_CurlWithProxyUser_BigFileArrivesIntact()
    {
        var result = await Curl.FetchAsync(_nginx!.Url(Nginx.BigFile), "--socks5-hostname", $"127.0.0.1:{_authenticated!.Port}", "--proxy-user", $"{User}:{Pass}");

        Assert.That(result.ExitCode, Is.Zero, result.StdErr + _authenticated.LogTail());
        Assert.That(result.Sha256, Is.EqualTo(_nginx.BigFileSha256));
        LogAssert.NoDestination(_authenticated, [], [_nginx.Port]);
    }

    [Test]
    public async Task Socks_CurlSocks5WithProxyUser_BigFileArrivesIntact()
    {
        var result = await Curl.FetchAsync(_nginx!.Url(Nginx.BigFile), "--socks5", $"127.0.0.1:{_authenticated!.Port}", "--proxy-user", $"{User}:{Pass}");

        Assert.That(result.ExitCode, Is.Zero, result.StdErr + _authenticated.LogTail());
        Assert.That(result.Sha256, Is.EqualTo(_nginx.BigFileSha256));
    }

    [Test]
    public async Task Socks_CurlWithoutCredentialsToAuthenticatedProxy_IsRejected()
    {
        var result = await Curl.FetchAsync(_nginx!.Url(Nginx.SmallFile), "--socks5-hostname", $"127.0.0.1:{_authenticated!.Port}");

        // 97: "proxy handshake error" — no acceptable method, nothing fetched.
        Assert.That(result.ExitCode, Is.EqualTo(97), result.StdErr);
    }

    [Test]
    public async Task Socks_Relaying_LogsAcceptAndCloseWithoutDestination()
    {
        var result = await Curl.FetchAsync(_nginx!.Url(Nginx.SmallFile), "--socks5", $"127.0.0.1:{_open!.Port}");
        Assert.That(result.ExitCode, Is.Zero, result.StdErr);

        // One line per connection event: something must have been logged for the connection that just closed.
        var logged = await _open.WaitForStdErrAsync(s => s.Contains("close", StringComparison.OrdinalIgnoreCase));
        Assert.That(logged, Is.True, $"no close event on stderr:\n{_open.StdErr}");
        LogAssert.NoDestination(_open, [], [_nginx.Port]);
    }
}
