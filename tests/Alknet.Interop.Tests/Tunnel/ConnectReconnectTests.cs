using System.Net.Sockets;
using Alknet.Interop.Tests.Peers;
using Alknet.Interop.Tests.Serve;
using Alknet.Interop.Tests.Socks;

namespace Alknet.Interop.Tests.Tunnel;

/// <summary>
/// <c>alknet connect</c> when its server dies: serve is killed with SIGKILL (no DISCONNECT, as in a crash), and while
/// it is gone a SOCKS5 request is answered 0x01 at once and a -L connection is closed at once, not left hanging.
/// Restarted on the same port with the same host key, the server gets a new session from connect, which carries new
/// connections and registers its -R forward again. Each test has its own server, since each kills it.
/// </summary>
[TestFixture]
public sealed class ConnectReconnectTests
{
    private EchoServer _echo = null!;
    private AlknetServe _serve = null!;
    private AlknetConnect _connect = null!;
    private int _localForwardPort;

    [SetUp]
    public async Task Start()
    {
        _echo = EchoServer.Start();
        _serve = await AlknetServe.StartAsync([]);
        await _serve.WaitUntilListeningAsync();
        _localForwardPort = FreePort.Next();
        _connect = await AlknetConnect.StartAsync(_serve.Port, _serve.ClientKeyPath, _serve.WriteKnownHosts(),
            ["-L", $"{_localForwardPort}:127.0.0.1:{_echo.Port}", "-R", $"0:127.0.0.1:{_echo.Port}"], remoteForwards: 1);
    }

    [TearDown]
    public async Task Stop()
    {
        if (_connect is not null) await _connect.DisposeAsync();
        if (_serve is not null) await _serve.DisposeAsync();
        if (_echo is not null) await _echo.DisposeAsync();
    }

    private async Task AssertEchoThroughSocksAsync(string when)
    {
        var payload = TunnelTraffic.RandomBytes(300_000);
        await using var probe = await TunnelTraffic.OpenAsync(_connect.SocksPort, "127.0.0.1", _echo.Port);
        TunnelTraffic.AssertSameBytes(payload, await TunnelTraffic.EchoAsync(probe.Socket, payload, halfClose: true), when);
    }

    private async Task KillServerAndWaitUntilConnectNoticesAsync()
    {
        await _serve.KillAsync();
        // Without a DISCONNECT the session ends when its TCP connection does; connect says so in one line.
        await _connect.WaitForLogAsync("session ended: ");
    }

    private void AssertNoDestinationLogged()
    {
        LogAssert.NoDestination(_connect.Process, [], [_echo.Port]);
        Assert.That(LogAssert.FindLeaks(_serve.AllOutput, [], [_echo.Port]), Is.Empty, $"alknet serve logged a tunnel destination:\n{_serve.AllOutput}");
    }

    /// <summary>
    /// While the session is down a -L connection is reset at once. Under load the reset can reach the client before
    /// its connect completes, which the socket reports as a reset of the connect itself: the same refusal.
    /// </summary>
    private async Task AssertLocalForwardRefusedAsync()
    {
        Socket forwarded;
        try
        {
            forwarded = await TunnelTraffic.ConnectAsync(_localForwardPort);
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionReset)
        {
            return;
        }
        using (forwarded)
        {
            await TunnelTraffic.AssertClosedByPeerAsync(forwarded, "a -L connection while the server is down");
        }
    }

    [Test]
    public async Task Connect_ServerKilled_InFlightClosedNewSocks5RequestGetsReply01AndLocalForwardIsClosed()
    {
        await AssertEchoThroughSocksAsync("before the kill");
        await using var inFlight = await TunnelTraffic.OpenAsync(_connect.SocksPort, "127.0.0.1", _echo.Port);
        var hello = TunnelTraffic.RandomBytes(1000);
        TunnelTraffic.AssertSameBytes(hello, await TunnelTraffic.EchoAsync(inFlight.Socket, hello, halfClose: false), "the connection in flight");

        await KillServerAndWaitUntilConnectNoticesAsync();

        await TunnelTraffic.AssertClosedByPeerAsync(inFlight.Socket, "a SOCKS5 connection in flight when the server died");
        // Socks5Probe waits at most 15 s for the reply: a request parked until the session returns fails the test.
        var reply = await TunnelTraffic.ReplyCodeAsync(_connect.SocksPort, "127.0.0.1", _echo.Port);
        Assert.That(reply, Is.EqualTo(TunnelTraffic.ReplyGeneralFailure), _connect.Process.LogTail());
        await AssertLocalForwardRefusedAsync();
        Assert.That(_echo.Accepted, Is.EqualTo(2), "nothing reached the target while the server was down");
        AssertNoDestinationLogged();
    }

    [Test]
    public async Task Connect_ServerKilledAndRestarted_ReconnectsAndCarriesNewConnections()
    {
        await AssertEchoThroughSocksAsync("before the kill");
        await KillServerAndWaitUntilConnectNoticesAsync();

        await _serve.RestartAsync();
        await _connect.WaitForSessionsUpAsync(2, TimeSpan.FromSeconds(90));

        await AssertEchoThroughSocksAsync("through the new session");
        var payload = TunnelTraffic.RandomBytes(200_000);
        using (var local = await TunnelTraffic.ConnectAsync(_localForwardPort))
        {
            TunnelTraffic.AssertSameBytes(payload, await TunnelTraffic.EchoAsync(local, payload, halfClose: true), "-L through the new session");
        }

        // The -R forward died with the old server; connect asks the new one again and gets a new port.
        var remotePorts = await _connect.WaitForRemoteForwardPortsAsync(2);
        using (var remote = await TunnelTraffic.ConnectAsync(remotePorts[1]))
        {
            TunnelTraffic.AssertSameBytes(payload, await TunnelTraffic.EchoAsync(remote, payload, halfClose: true), "-R registered on the new session");
        }

        Assert.That(await _serve.WaitForLogLineAsync("auth accepted"), Is.True, "the restarted server authenticated the new session");
        AssertNoDestinationLogged();
    }
}
