using System.Net;
using System.Text;
using Alknet.Interop.Tests.Peers;

namespace Alknet.Interop.Tests.Socks;

/// <summary>
/// Every RFC 1928 §6 reply code that a direct-dialing <c>alknet socks</c> can give, provoked for real on this
/// machine with a raw SOCKS5 client. The causes are chosen to be deterministic on any Linux host:
/// a closed loopback port (ECONNREFUSED → 0x05), a name in the reserved .invalid TLD (resolution fails → 0x04),
/// a multicast address (TCP connect gives ENETUNREACH → 0x03), a listener with a full accept queue and a 1 s
/// --connect-timeout (timeout → 0x06), and BIND (→ 0x07). After each, alknet's log must not name the destination.
/// </summary>
[TestFixture]
public sealed class SocksReplyCodeTests
{
    private AlknetProcess? _alknet;
    private EchoServer? _echo;

    [OneTimeSetUp]
    public async Task Start()
    {
        _echo = EchoServer.Start();
        _alknet = await AlknetProcess.StartSocksAsync("--connect-timeout", "1");
    }

    [OneTimeTearDown]
    public async Task Stop()
    {
        if (_alknet is not null) await _alknet.DisposeAsync();
        if (_echo is not null) await _echo.DisposeAsync();
    }

    private async Task<byte> ConnectReplyAsync(Func<Socks5Probe, Task<byte>> request)
    {
        await using var probe = await Socks5Probe.ConnectAsync(_alknet!.Port!.Value);
        await probe.NegotiateAsync();
        return await request(probe);
    }

    [Test]
    public async Task Connect_ReachableTarget_SucceedsAndEchoes()
    {
        await using var probe = await Socks5Probe.ConnectAsync(_alknet!.Port!.Value);
        await probe.NegotiateAsync();
        Assert.That(await probe.RequestAsync(Socks5Probe.CommandConnect, IPAddress.Loopback, _echo!.Port), Is.EqualTo((byte)0x00));

        var payload = Encoding.ASCII.GetBytes("reply-code fixture round trip");
        Assert.That(await probe.EchoAsync(payload), Is.EqualTo(payload));
        LogAssert.NoDestination(_alknet, [], [_echo.Port]);
    }

    [Test]
    public async Task Connect_ClosedPort_RepliesConnectionRefused()
    {
        var closed = FreePort.Next();

        var reply = await ConnectReplyAsync(p => p.RequestAsync(Socks5Probe.CommandConnect, IPAddress.Loopback, closed));

        Assert.That(reply, Is.EqualTo((byte)0x05), _alknet!.LogTail());
        LogAssert.NoDestination(_alknet, [], [closed]);
    }

    [Test]
    public async Task Connect_ClosedPortByName_RepliesConnectionRefused()
    {
        var closed = FreePort.Next();

        var reply = await ConnectReplyAsync(p => p.RequestAsync(Socks5Probe.CommandConnect, "localhost", closed));

        Assert.That(reply, Is.EqualTo((byte)0x05), _alknet!.LogTail());
        LogAssert.NoDestination(_alknet, [], [closed]);
    }

    [Test]
    public async Task Connect_UnresolvableName_RepliesHostUnreachable()
    {
        // RFC 6761: .invalid never resolves. Unique per run so a leak cannot be confused with another test.
        var host = $"alknet-nx-{Guid.NewGuid().ToString("N")[..12]}.invalid";
        var port = FreePort.Next();

        var reply = await ConnectReplyAsync(p => p.RequestAsync(Socks5Probe.CommandConnect, host, port));

        Assert.That(reply, Is.EqualTo((byte)0x04), _alknet!.LogTail());
        LogAssert.NoDestination(_alknet, [host], [port]);
    }

    [Test]
    public async Task Connect_MulticastAddress_RepliesNetworkUnreachable()
    {
        // Linux refuses a TCP connect to a multicast address with ENETUNREACH, whatever the routing table says.
        var port = FreePort.Next();

        var reply = await ConnectReplyAsync(p => p.RequestAsync(Socks5Probe.CommandConnect, IPAddress.Parse("224.0.0.251"), port));

        Assert.That(reply, Is.EqualTo((byte)0x03), _alknet!.LogTail());
        LogAssert.NoDestination(_alknet, ["224.0.0.251"], [port]);
    }

    [Test]
    public async Task Connect_TargetNeverAnswers_RepliesTtlExpiredAfterConnectTimeout()
    {
        using var blackhole = await BlackholeTarget.StartAsync();

        var reply = await ConnectReplyAsync(p => p.RequestAsync(Socks5Probe.CommandConnect, IPAddress.Loopback, blackhole.Port));

        Assert.That(reply, Is.EqualTo((byte)0x06), _alknet!.LogTail());
        LogAssert.NoDestination(_alknet, [], [blackhole.Port]);
    }

    [Test]
    public async Task Bind_AnyTarget_RepliesCommandNotSupported()
    {
        var reply = await ConnectReplyAsync(p => p.RequestAsync(Socks5Probe.CommandBind, IPAddress.Loopback, _echo!.Port));

        Assert.That(reply, Is.EqualTo((byte)0x07), _alknet!.LogTail());
    }
}
