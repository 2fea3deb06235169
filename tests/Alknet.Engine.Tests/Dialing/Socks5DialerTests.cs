using System.Net;
using Alknet.Engine.Dialing;
using Alknet.Engine.Socks5;
using Alknet.Engine.Tests.Socks5;
using NUnit.Framework;
using static Alknet.Engine.Tests.Socks5.WireTestKit;

namespace Alknet.Engine.Tests.Dialing;

public class Socks5DialerTests
{
    private CancellationTokenSource _guard = null!;

    [SetUp]
    public void SetUp() => _guard = new CancellationTokenSource(TimeSpan.FromSeconds(20));

    [TearDown]
    public void TearDown() => _guard.Dispose();

    [Test]
    public async Task DialAsync_UpstreamWithPassword_ReachesTargetAndKeepsBytesBothWays()
    {
        var token = _guard.Token;
        var seenTarget = default(DialTarget);
        var options = new Socks5ServerOptions { Credentials = new Socks5Credentials("alice", "pw") };
        await using var upstream = new FakeUpstream(
            async pipe =>
            {
                var result = await Socks5ServerHandshake.AcceptAsync(pipe, options, token);
                seenTarget = result.Target;
                Socks5ServerHandshakeResultGuard(result);

                // Reply and first tunnel bytes in one flush: the dialer must not swallow them.
                new Socks5Reply(Socks5ReplyCode.Succeeded, Socks5Address.FromHost("192.0.2.7"), 4000).Write(pipe.Output);
                await pipe.Output.WriteAsync("hello"u8.ToArray(), token);
                Assert.That(await ReadExactlyAsync(pipe.Input, 4, token), Is.EqualTo("ping"u8.ToArray()));
            },
            token);
        var dialer = new Socks5Dialer(UpstreamProxy.Parse($"socks5://alice:pw@127.0.0.1:{upstream.Port}"));

        await using var connection = await dialer.DialAsync(new DialTarget("example.com", 443), token);
        Assert.That(await ReadExactlyAsync(connection.Input, 5, token), Is.EqualTo("hello"u8.ToArray()));
        await connection.Output.WriteAsync("ping"u8.ToArray(), token);
        await upstream.Served;

        Assert.That(seenTarget, Is.EqualTo(new DialTarget("example.com", 443)), "the name must reach the upstream unresolved");
    }

    [Test]
    public async Task DialAsync_UpstreamDenies_ConnectionNotAllowed()
    {
        var token = _guard.Token;
        await using var upstream = new FakeUpstream(
            async pipe =>
            {
                Assert.That(await ReadExactlyAsync(pipe.Input, 3, token), Is.EqualTo(Hex("05 01 00")));
                await pipe.Output.WriteAsync(Hex("05 00"), token);
                await ReadExactlyAsync(pipe.Input, 10, token);
                await pipe.Output.WriteAsync(Hex("05 02 00 01 00000000 0000"), token);
            },
            token);
        var dialer = new Socks5Dialer(UpstreamProxy.Parse($"socks5://127.0.0.1:{upstream.Port}"));

        var e = await DialAssert.FailsAsync(dialer, new DialTarget("10.1.1.1", 80), token);

        Assert.That(e.Reply, Is.EqualTo(Socks5ReplyCode.ConnectionNotAllowed));
    }

    [Test]
    public async Task DialAsync_WrongPassword_ConnectionNotAllowed()
    {
        var token = _guard.Token;
        var options = new Socks5ServerOptions { Credentials = new Socks5Credentials("alice", "pw") };
        await using var upstream = new FakeUpstream(
            async pipe => Assert.That((await Socks5ServerHandshake.AcceptAsync(pipe, options, token)).IsAuthenticationFailure, Is.True),
            token);
        var dialer = new Socks5Dialer(UpstreamProxy.Parse($"socks5://alice:nope@127.0.0.1:{upstream.Port}"));

        var e = await DialAssert.FailsAsync(dialer, new DialTarget("example.com", 443), token);

        Assert.That(e.Reply, Is.EqualTo(Socks5ReplyCode.ConnectionNotAllowed));
        await upstream.Served;
    }

    [Test]
    public async Task DialAsync_UpstreamSilent_HandshakeTimesOut()
    {
        var token = _guard.Token;
        // Reads and never answers; ends when the dialer gives up and closes.
        await using var upstream = new FakeUpstream(async pipe => await ReadToEndAsync(pipe.Input, token), token);
        var dialer = new Socks5Dialer(
            UpstreamProxy.Parse($"socks5://127.0.0.1:{upstream.Port}"),
            new DialerOptions { HandshakeTimeout = TimeSpan.FromMilliseconds(200) });

        var e = await DialAssert.FailsAsync(dialer, new DialTarget("example.com", 443), token);

        Assert.That(e.Reply, Is.EqualTo(Socks5ReplyCode.TtlExpired));
    }

    [Test]
    public async Task DialAsync_UpstreamPortRefused_SaysUpstreamUnreachable()
    {
        using var closed = LoopbackSockets.BoundNotListening(IPAddress.Loopback);
        var dialer = new Socks5Dialer(new UpstreamProxy(UpstreamProxyKind.Socks5, "127.0.0.1", (ushort)LoopbackSockets.PortOf(closed)));

        var e = await DialAssert.FailsAsync(dialer, new DialTarget("example.com", 443), _guard.Token);

        Assert.That(e.Reply, Is.EqualTo(Socks5ReplyCode.ConnectionRefused));
        Assert.That(e.Message, Does.Contain("upstream proxy"));
    }

    private static void Socks5ServerHandshakeResultGuard(Socks5HandshakeResult result) =>
        Assert.That(result.Outcome, Is.EqualTo(Socks5HandshakeOutcome.Connect));
}
