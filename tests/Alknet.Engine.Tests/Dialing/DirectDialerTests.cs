using System.Net;
using System.Net.Sockets;
using Alknet.Engine.Dialing;
using Alknet.Engine.Socks5;
using Alknet.Engine.Tests.Socks5;
using NUnit.Framework;

namespace Alknet.Engine.Tests.Dialing;

public class DirectDialerTests
{
    private static readonly IPAddress Loopback2 = IPAddress.Parse("127.0.0.2");

    private CancellationTokenSource _guard = null!;

    [SetUp]
    public void SetUp() => _guard = new CancellationTokenSource(TimeSpan.FromSeconds(20));

    [TearDown]
    public void TearDown() => _guard.Dispose();

    [Test]
    public async Task DialAsync_ListeningPort_CarriesBytesBothWays()
    {
        using var listener = LoopbackSockets.Listen(IPAddress.Loopback);
        var dialer = new DirectDialer();

        await using var connection = await dialer.DialAsync(new DialTarget("127.0.0.1", (ushort)LoopbackSockets.PortOf(listener)), _guard.Token);
        using var accepted = await listener.AcceptAsync(_guard.Token);

        await connection.Output.WriteAsync("ping"u8.ToArray(), _guard.Token);
        var received = new byte[4];
        await accepted.ReceiveAsync(received, SocketFlags.None, _guard.Token);
        Assert.That(received, Is.EqualTo("ping"u8.ToArray()));

        await accepted.SendAsync("pong"u8.ToArray(), SocketFlags.None, _guard.Token);
        Assert.That(await WireTestKit.ReadExactlyAsync(connection.Input, 4, _guard.Token), Is.EqualTo("pong"u8.ToArray()));
        Assert.That(connection.RemoteEndPoint, Is.EqualTo(accepted.LocalEndPoint));
    }

    [Test]
    public async Task DialAsync_RefusedPort_ConnectionRefused()
    {
        using var closed = LoopbackSockets.BoundNotListening(IPAddress.Loopback);
        var port = (ushort)LoopbackSockets.PortOf(closed);

        var e = await DialFailureAsync(new DirectDialer(), new DialTarget("127.0.0.1", port));

        Assert.That(e.Reply, Is.EqualTo(Socks5ReplyCode.ConnectionRefused));
        Assert.That(e.Message, Does.Not.Contain("127.0.0.1").And.Not.Contain(port.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        Assert.That(e.InnerException, Is.Null, "socket exception messages can name the address");
    }

    [Test]
    public async Task DialAsync_UnresolvableName_HostUnreachable()
    {
        var e = await DialFailureAsync(new DirectDialer(), new DialTarget("nonexistent.invalid", 80));
        Assert.That(e.Reply, Is.EqualTo(Socks5ReplyCode.HostUnreachable));
        Assert.That(e.Message, Does.Not.Contain("nonexistent"));
    }

    [Test]
    public async Task DialAsync_ResolverReturnsNoAddresses_HostUnreachable()
    {
        var dialer = new DirectDialer(new DialerOptions { Resolver = (_, _) => Task.FromResult(Array.Empty<IPAddress>()) });
        var e = await DialFailureAsync(dialer, new DialTarget("empty.example", 80));
        Assert.That(e.Reply, Is.EqualTo(Socks5ReplyCode.HostUnreachable));
    }

    [Test]
    public async Task DialAsync_AcceptQueueFull_TimesOut()
    {
        using var blackhole = await BlackholeListener.CreateAsync(IPAddress.Loopback);
        var dialer = new DirectDialer(new DialerOptions { ConnectTimeout = TimeSpan.FromMilliseconds(500) });

        var e = await DialFailureAsync(dialer, new DialTarget("127.0.0.1", (ushort)blackhole.Port));

        Assert.That(e.Reply, Is.EqualTo(Socks5ReplyCode.TtlExpired));
    }

    [Test]
    public async Task DialAsync_ResolverNeverAnswers_TimeoutCoversResolution()
    {
        var dialer = new DirectDialer(new DialerOptions
        {
            ConnectTimeout = TimeSpan.FromMilliseconds(200),
            Resolver = async (_, ct) =>
            {
                await Task.Delay(Timeout.Infinite, ct);
                return [];
            },
        });

        var e = await DialFailureAsync(dialer, new DialTarget("slow.example", 80));

        Assert.That(e.Reply, Is.EqualTo(Socks5ReplyCode.TtlExpired));
    }

    /// <summary>
    /// Linux refuses a TCP connect to a multicast address with ENETUNREACH (tcp_v4_connect rejects multicast
    /// and broadcast routes), whatever routes exist, so this provokes "network unreachable" on any host.
    /// </summary>
    [Test]
    public async Task DialAsync_MulticastAddress_NetworkUnreachable()
    {
        var e = await DialFailureAsync(new DirectDialer(), new DialTarget("224.0.0.1", 80));
        Assert.That(e.Reply, Is.EqualTo(Socks5ReplyCode.NetworkUnreachable));
    }

    [Test]
    public async Task DialAsync_FirstAddressBlackholed_FallsThroughToSecond()
    {
        using var blackhole = await BlackholeListener.CreateAsync(IPAddress.Loopback);
        using var live = LoopbackSockets.Listen(Loopback2, blackhole.Port);
        var dialer = new DirectDialer(new DialerOptions
        {
            ConnectTimeout = TimeSpan.FromSeconds(10),
            Resolver = (_, _) => Task.FromResult(new[] { IPAddress.Loopback, Loopback2 }),
        });

        await using var connection = await dialer.DialAsync(new DialTarget("dual.example", (ushort)blackhole.Port), _guard.Token);

        Assert.That(((IPEndPoint)connection.RemoteEndPoint!).Address, Is.EqualTo(Loopback2));
    }

    [Test]
    public async Task DialAsync_FirstAddressRefuses_FallsThroughToSecond()
    {
        using var refused = LoopbackSockets.BoundNotListening(IPAddress.Loopback);
        using var live = LoopbackSockets.Listen(Loopback2, LoopbackSockets.PortOf(refused));
        var dialer = new DirectDialer(new DialerOptions
        {
            // A long attempt delay shows that a failed attempt starts the next one at once (RFC 8305 §5).
            ConnectionAttemptDelay = TimeSpan.FromSeconds(30),
            Resolver = (_, _) => Task.FromResult(new[] { IPAddress.Loopback, Loopback2 }),
        });

        await using var connection = await dialer.DialAsync(new DialTarget("dual.example", (ushort)LoopbackSockets.PortOf(refused)), _guard.Token);

        Assert.That(((IPEndPoint)connection.RemoteEndPoint!).Address, Is.EqualTo(Loopback2));
    }

    [Test]
    public async Task DialAsync_EveryAddressRefuses_ConnectionRefused()
    {
        using var refused = LoopbackSockets.BoundNotListening(IPAddress.Loopback);
        using var refused2 = LoopbackSockets.BoundNotListening(Loopback2, LoopbackSockets.PortOf(refused));
        var dialer = new DirectDialer(new DialerOptions
        {
            Resolver = (_, _) => Task.FromResult(new[] { IPAddress.Loopback, Loopback2 }),
        });

        var e = await DialFailureAsync(dialer, new DialTarget("dual.example", (ushort)LoopbackSockets.PortOf(refused)));

        Assert.That(e.Reply, Is.EqualTo(Socks5ReplyCode.ConnectionRefused));
    }

    [Test]
    public async Task DialAsync_CallerCancels_ThrowsOperationCanceled()
    {
        using var blackhole = await BlackholeListener.CreateAsync(IPAddress.Loopback);
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));
        var dialer = new DirectDialer(new DialerOptions { ConnectTimeout = TimeSpan.FromSeconds(30) });

        Assert.That(
            async () => await dialer.DialAsync(new DialTarget("127.0.0.1", (ushort)blackhole.Port), cts.Token),
            Throws.InstanceOf<OperationCanceledException>());
    }

    private Task<DialException> DialFailureAsync(IDialer dialer, DialTarget target) =>
        DialAssert.FailsAsync(dialer, target, _guard.Token);
}
