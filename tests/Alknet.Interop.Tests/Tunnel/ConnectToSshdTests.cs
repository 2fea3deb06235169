using System.Net;
using System.Text.RegularExpressions;
using Alknet.Interop.Tests.Peers;
using Alknet.Interop.Tests.Socks;

namespace Alknet.Interop.Tests.Tunnel;

/// <summary>
/// <c>alknet connect</c> against OpenSSH's sshd: the SOCKS5 port, a -L forward and a -R forward (port 0) over one
/// session, checked byte for byte; sshd's refusals come back as the matching SOCKS5 reply codes; connect logs no
/// destination.
/// </summary>
[TestFixture]
public sealed class ConnectToSshdTests
{
    private Sshd _sshd = null!;
    private Nginx _nginx = null!;
    private EchoServer _echo = null!;
    private AlknetConnect _connect = null!;
    private int _localForwardPort;
    private int _remoteForwardPort;
    private int _closedPort;

    [OneTimeSetUp]
    public async Task Start()
    {
        _sshd = await Sshd.StartAsync();
        _nginx = await Nginx.StartAsync();
        _echo = EchoServer.Start();
        _closedPort = FreePort.Next();
        _localForwardPort = FreePort.Next();
        _connect = await AlknetConnect.StartAsync(_sshd.Port, _sshd.ClientKeyPath, _sshd.KnownHostsPath,
            ["-L", $"{_localForwardPort}:127.0.0.1:{_echo.Port}", "-R", $"0:127.0.0.1:{_echo.Port}"], user: Sshd.UserName, remoteForwards: 1);
        _remoteForwardPort = (await _connect.WaitForRemoteForwardPortsAsync())[0];
    }

    [OneTimeTearDown]
    public async Task Stop()
    {
        if (_connect is not null) await _connect.DisposeAsync();
        if (_echo is not null) await _echo.DisposeAsync();
        if (_nginx is not null) await _nginx.DisposeAsync();
        if (_sshd is not null) await _sshd.DisposeAsync();
    }

    private string Logs() => _connect.Process.LogTail() + _sshd.Process.LogTail();

    private void AssertNoDestinationLogged() => LogAssert.NoDestination(_connect.Process, ["localhost"], [_nginx.Port, _echo.Port, _closedPort]);

    [Test]
    public async Task Socks5_CurlBigFileByName_Sha256Matches()
    {
        var result = await Curl.FetchAsync(_nginx.Url(Nginx.BigFile, "localhost"), "--socks5-hostname", $"127.0.0.1:{_connect.SocksPort}");

        Assert.That(result.ExitCode, Is.Zero, result.StdErr + Logs());
        Assert.That(result.Sha256, Is.EqualTo(_nginx.BigFileSha256));
        Assert.That(_connect.Process.StdErr, Does.Contain("session up: SSH-2.0-OpenSSH"), "premise: the server is OpenSSH");
        AssertNoDestinationLogged();
    }

    [Test]
    public async Task Socks5_SixteenConcurrentEchoes_EachGetsItsOwnBytesBack()
    {
        var payloads = Enumerable.Range(0, 16).Select(i => TunnelTraffic.RandomBytes(300_000 + (i * 7919))).ToArray();

        var echoed = await Task.WhenAll(payloads.Select(async payload =>
        {
            await using var probe = await TunnelTraffic.OpenAsync(_connect.SocksPort, "127.0.0.1", _echo.Port);
            return await TunnelTraffic.EchoAsync(probe.Socket, payload, halfClose: true);
        }));

        for (var i = 0; i < payloads.Length; i++)
        {
            TunnelTraffic.AssertSameBytes(payloads[i], echoed[i], $"connection {i}");
        }

        AssertNoDestinationLogged();
    }

    [Test]
    public async Task LocalForward_EchoWithHalfClose_ReturnsEverything()
    {
        var payload = TunnelTraffic.RandomBytes(3 * 1024 * 1024 + 7);
        using var socket = await TunnelTraffic.ConnectAsync(_localForwardPort);

        var echoed = await TunnelTraffic.EchoAsync(socket, payload, halfClose: true);

        TunnelTraffic.AssertSameBytes(payload, echoed, "-L echo via sshd");
        AssertNoDestinationLogged();
    }

    [Test]
    public async Task RemoteForwardPortZero_EchoWithHalfClose_ReturnsEverything()
    {
        var payload = TunnelTraffic.RandomBytes(3 * 1024 * 1024 + 9);
        Assert.That(_sshd.Process.StdErr, Does.Contain($"Allocated listen port {_remoteForwardPort}"),
            "premise: the port connect logged is the one sshd allocated");
        var address = AllocatingAddress(_sshd.Process.StdErr);
        using var socket = await TunnelTraffic.ConnectAsync(_remoteForwardPort, address);

        var echoed = await TunnelTraffic.EchoAsync(socket, payload, halfClose: true);

        TunnelTraffic.AssertSameBytes(payload, echoed, "-R echo via sshd");
        AssertNoDestinationLogged();
    }

    /// <summary>
    /// The loopback address on which sshd allocated the -R port 0 listener. For "localhost" sshd binds each address
    /// family in turn: the first bind asks for port 0 and gets the number; the others ask for that same number and
    /// may fail ("bind [127.0.0.1]:N: Address already in use") because some other socket holds it. sshd logs
    /// "Local forwarding listening on A port P." before each bind, so that line alone does not prove a listener;
    /// the one with port 0 does, because its bind is the one that allocated the number.
    /// </summary>
    private static IPAddress AllocatingAddress(string sshdLog)
    {
        // The last such line: were the first family's port 0 bind to fail, the next family would ask for port 0 again.
        var matches = Regex.Matches(sshdLog, @"Local forwarding listening on (\S+) port 0\.");
        Assert.That(matches, Is.Not.Empty, "premise: sshd logs the port 0 bind\n" + sshdLog);
        return IPAddress.Parse(matches[^1].Groups[1].Value);
    }

    [Test]
    public async Task Socks5_RefusedPortViaSshd_Reply05AndSessionCarriesOn()
    {
        var reply = await TunnelTraffic.ReplyCodeAsync(_connect.SocksPort, "127.0.0.1", _closedPort);

        Assert.That(reply, Is.EqualTo(TunnelTraffic.ReplyConnectionRefused), Logs());
        var payload = TunnelTraffic.RandomBytes(100_000);
        await using var probe = await TunnelTraffic.OpenAsync(_connect.SocksPort, "127.0.0.1", _echo.Port);
        TunnelTraffic.AssertSameBytes(payload, await TunnelTraffic.EchoAsync(probe.Socket, payload, halfClose: true), "after the refusal");
        AssertNoDestinationLogged();
    }
}
