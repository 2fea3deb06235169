using System.IO.Pipelines;
using System.Net;
using Alknet.Engine.Dialing;
using Alknet.Engine.Socks5;
using NUnit.Framework;
using static Alknet.Engine.Tests.Socks5.WireTestKit;

namespace Alknet.Engine.Tests.Socks5;

public class Socks5ClientHandshakeTests
{
    private const string ConnectExampleCom443 = "05 01 00 03 0B 6578616D706C652E636F6D 01BB";

    private static readonly DialTarget Target = new("example.com", 443);

    private CancellationTokenSource _guard = null!;

    [SetUp]
    public void SetUp() => _guard = new CancellationTokenSource(TimeSpan.FromSeconds(10));

    [TearDown]
    public void TearDown() => _guard.Dispose();

    [Test]
    public async Task ConnectAsync_NoAuth_SendsDomainUnresolvedAndKeepsTunnelData()
    {
        var duplex = new InMemoryDuplex();
        var connect = Socks5ClientHandshake.ConnectAsync(duplex.Client, Target, null, _guard.Token).AsTask();

        Assert.That(await Expect(duplex, 3), Is.EqualTo(Hex("05 01 00")));
        await Answer(duplex, "05 00");
        Assert.That(await Expect(duplex, 18), Is.EqualTo(Hex(ConnectExampleCom443)));
        await Answer(duplex, "05 00 00 01 C0000202 1F90" + Convert.ToHexString("tunnel"u8));

        Assert.That(await connect, Is.EqualTo(new IPEndPoint(IPAddress.Parse("192.0.2.2"), 8080)));
        Assert.That(await ReadExactlyAsync(duplex.Client.Input, 6, _guard.Token), Is.EqualTo("tunnel"u8.ToArray()));
    }

    [Test]
    public async Task ConnectAsync_IPv6Target_SendsAtypFour()
    {
        var duplex = new InMemoryDuplex();
        var connect = Socks5ClientHandshake.ConnectAsync(duplex.Client, new DialTarget("2001:db8::1", 22), null, _guard.Token).AsTask();
        await Expect(duplex, 3);
        await Answer(duplex, "05 00");
        Assert.That(await Expect(duplex, 22), Is.EqualTo(Hex("05 01 00 04 20010DB8000000000000000000000001 0016")));
        await Answer(duplex, "05 00 00 01 00000000 0000");
        await connect;
    }

    [Test]
    public async Task ConnectAsync_WithCredentials_AuthenticatesFirst()
    {
        var duplex = new InMemoryDuplex();
        var connect = Socks5ClientHandshake.ConnectAsync(duplex.Client, Target, new NetworkCredential("bob", "pw"), _guard.Token).AsTask();

        Assert.That(await Expect(duplex, 4), Is.EqualTo(Hex("05 02 00 02")));
        await Answer(duplex, "05 02");
        Assert.That(await Expect(duplex, 8), Is.EqualTo(Hex("01 03 626F62 02 7077")));
        await Answer(duplex, "01 00");
        Assert.That(await Expect(duplex, 18), Is.EqualTo(Hex(ConnectExampleCom443)));
        await Answer(duplex, "05 00 00 01 00000000 0000");
        await connect;
    }

    [Test]
    public async Task ConnectAsync_CredentialsRejected_ConnectionNotAllowed()
    {
        var duplex = new InMemoryDuplex();
        var connect = Socks5ClientHandshake.ConnectAsync(duplex.Client, Target, new NetworkCredential("bob", "pw"), _guard.Token).AsTask();
        await Expect(duplex, 4);
        await Answer(duplex, "05 02");
        await Expect(duplex, 8);
        await Answer(duplex, "01 01");
        await AssertDialFails(connect, Socks5ReplyCode.ConnectionNotAllowed);
    }

    [Test]
    public async Task ConnectAsync_NoAcceptableMethods_ConnectionNotAllowed()
    {
        var duplex = new InMemoryDuplex();
        var connect = Socks5ClientHandshake.ConnectAsync(duplex.Client, Target, null, _guard.Token).AsTask();
        await Expect(duplex, 3);
        await Answer(duplex, "05 FF");
        await AssertDialFails(connect, Socks5ReplyCode.ConnectionNotAllowed);
    }

    [Test]
    public async Task ConnectAsync_UpstreamPicksUnofferedMethod_GeneralFailure()
    {
        var duplex = new InMemoryDuplex();
        var connect = Socks5ClientHandshake.ConnectAsync(duplex.Client, Target, null, _guard.Token).AsTask();
        await Expect(duplex, 3);
        await Answer(duplex, "05 02");
        await AssertDialFails(connect, Socks5ReplyCode.GeneralFailure);
    }

    [TestCase("02", Socks5ReplyCode.ConnectionNotAllowed)]
    [TestCase("03", Socks5ReplyCode.NetworkUnreachable)]
    [TestCase("04", Socks5ReplyCode.HostUnreachable)]
    [TestCase("05", Socks5ReplyCode.ConnectionRefused)]
    [TestCase("06", Socks5ReplyCode.TtlExpired)]
    [TestCase("2A", Socks5ReplyCode.GeneralFailure)]
    public async Task ConnectAsync_UpstreamRefuses_PassesReplyCodeOn(string rep, Socks5ReplyCode expected)
    {
        var duplex = new InMemoryDuplex();
        var connect = Socks5ClientHandshake.ConnectAsync(duplex.Client, Target, null, _guard.Token).AsTask();
        await Expect(duplex, 3);
        await Answer(duplex, "05 00");
        await Expect(duplex, 18);
        await Answer(duplex, "05" + rep + "00 01 00000000 0000");
        await AssertDialFails(connect, expected);
    }

    [Test]
    public async Task ConnectAsync_UpstreamClosesMidReply_GeneralFailure()
    {
        var duplex = new InMemoryDuplex();
        var connect = Socks5ClientHandshake.ConnectAsync(duplex.Client, Target, null, _guard.Token).AsTask();
        await Expect(duplex, 3);
        await Answer(duplex, "05 00");
        await Expect(duplex, 18);
        await Answer(duplex, "05 00 00");
        await duplex.Server.Output.CompleteAsync();
        await AssertDialFails(connect, Socks5ReplyCode.GeneralFailure);
    }

    [Test]
    public async Task ConnectAsync_UpstreamSpeaksHttp_GeneralFailure()
    {
        var duplex = new InMemoryDuplex();
        var connect = Socks5ClientHandshake.ConnectAsync(duplex.Client, Target, null, _guard.Token).AsTask();
        await Expect(duplex, 3);
        await Answer(duplex, Convert.ToHexString("HTTP/1.1 400 Bad Request\r\n\r\n"u8));
        await AssertDialFails(connect, Socks5ReplyCode.GeneralFailure);
    }

    private async Task<byte[]> Expect(InMemoryDuplex duplex, int count) =>
        await ReadExactlyAsync(duplex.Server.Input, count, _guard.Token);

    private static async Task Answer(InMemoryDuplex duplex, string hex) =>
        await duplex.Server.Output.WriteAsync(Hex(hex));

    private static async Task AssertDialFails(Task connect, Socks5ReplyCode expected)
    {
        var e = Assert.ThrowsAsync<DialException>(async () => await connect);
        Assert.That(e!.Reply, Is.EqualTo(expected));
        Assert.That(e.Message, Does.Not.Contain("example.com").And.Not.Contain("443"));
        await Task.CompletedTask;
    }
}
