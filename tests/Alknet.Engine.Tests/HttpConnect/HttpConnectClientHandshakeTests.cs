using System.Text;
using Alknet.Engine.Dialing;
using Alknet.Engine.HttpConnect;
using Alknet.Engine.Socks5;
using Alknet.Engine.Tests.Socks5;
using NUnit.Framework;
using static Alknet.Engine.Tests.Socks5.WireTestKit;

namespace Alknet.Engine.Tests.HttpConnect;

public class HttpConnectClientHandshakeTests
{
    private const string ExpectedRequest = "CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n";

    private static readonly DialTarget Target = new("example.com", 443);

    private CancellationTokenSource _guard = null!;

    [SetUp]
    public void SetUp() => _guard = new CancellationTokenSource(TimeSpan.FromSeconds(10));

    [TearDown]
    public void TearDown() => _guard.Dispose();

    [Test]
    public async Task ConnectAsync_200WithEarlyTunnelData_ReturnsStatusAndKeepsData()
    {
        var duplex = new InMemoryDuplex();
        var connect = HttpConnectClientHandshake.ConnectAsync(duplex.Client, Target, null, _guard.Token).AsTask();

        Assert.That(await ExpectText(duplex, ExpectedRequest.Length), Is.EqualTo(ExpectedRequest));
        await Answer(duplex, "HTTP/1.1 200 Connection established\r\nVia: 1.1 proxy\r\n\r\nSSH-2.0-early");

        Assert.That(await connect, Is.EqualTo(200));
        Assert.That(await ReadExactlyAsync(duplex.Client.Input, 13, _guard.Token), Is.EqualTo("SSH-2.0-early"u8.ToArray()));
    }

    [Test]
    public async Task ConnectAsync_ResponseOneByteAtATime_Completes()
    {
        var duplex = new InMemoryDuplex();
        var connect = HttpConnectClientHandshake.ConnectAsync(duplex.Client, Target, null, _guard.Token).AsTask();
        await ExpectText(duplex, ExpectedRequest.Length);
        foreach (var b in "HTTP/1.0 200 OK\r\n\r\n"u8.ToArray())
        {
            await duplex.Server.Output.WriteAsync(new[] { b });
        }

        Assert.That(await connect, Is.EqualTo(200));
    }

    [TestCase(403, Socks5ReplyCode.ConnectionNotAllowed)]
    [TestCase(407, Socks5ReplyCode.ConnectionNotAllowed)]
    [TestCase(404, Socks5ReplyCode.HostUnreachable)]
    [TestCase(500, Socks5ReplyCode.GeneralFailure)]
    [TestCase(502, Socks5ReplyCode.ConnectionRefused)]
    [TestCase(504, Socks5ReplyCode.TtlExpired)]
    public async Task ConnectAsync_ErrorStatus_MapsToReplyCode(int status, Socks5ReplyCode expected)
    {
        var duplex = new InMemoryDuplex();
        var connect = HttpConnectClientHandshake.ConnectAsync(duplex.Client, Target, null, _guard.Token).AsTask();
        await ExpectText(duplex, ExpectedRequest.Length);
        await Answer(duplex, $"HTTP/1.1 {status} Nope\r\nContent-Length: 0\r\n\r\n");
        await AssertDialFails(connect, expected);
    }

    [Test]
    public async Task ConnectAsync_HeaderBlockOverCap_GeneralFailure()
    {
        var duplex = new InMemoryDuplex();
        var connect = HttpConnectClientHandshake.ConnectAsync(duplex.Client, Target, null, _guard.Token).AsTask();
        await ExpectText(duplex, ExpectedRequest.Length);
        await Answer(duplex, "HTTP/1.1 200 OK\r\n");
        for (var i = 0; i < 200; i++)
        {
            await Answer(duplex, "X-Padding: " + new string('p', 100) + "\r\n");
        }

        await AssertDialFails(connect, Socks5ReplyCode.GeneralFailure);
    }

    [Test]
    public async Task ConnectAsync_ProxyClosesMidHeaders_GeneralFailure()
    {
        var duplex = new InMemoryDuplex();
        var connect = HttpConnectClientHandshake.ConnectAsync(duplex.Client, Target, null, _guard.Token).AsTask();
        await ExpectText(duplex, ExpectedRequest.Length);
        await Answer(duplex, "HTTP/1.1 200 OK\r\nVia: x\r\n");
        await duplex.Server.Output.CompleteAsync();
        await AssertDialFails(connect, Socks5ReplyCode.GeneralFailure);
    }

    [Test]
    public async Task ConnectAsync_ProxySpeaksSocks_GeneralFailure()
    {
        var duplex = new InMemoryDuplex();
        var connect = HttpConnectClientHandshake.ConnectAsync(duplex.Client, Target, null, _guard.Token).AsTask();
        await ExpectText(duplex, ExpectedRequest.Length);
        await duplex.Server.Output.WriteAsync(Hex("05 FF"));
        await AssertDialFails(connect, Socks5ReplyCode.GeneralFailure);
    }

    private async Task<string> ExpectText(InMemoryDuplex duplex, int count) =>
        Encoding.ASCII.GetString(await ReadExactlyAsync(duplex.Server.Input, count, _guard.Token));

    private static async Task Answer(InMemoryDuplex duplex, string text) =>
        await duplex.Server.Output.WriteAsync(Encoding.ASCII.GetBytes(text));

    private static async Task AssertDialFails(Task connect, Socks5ReplyCode expected)
    {
        var e = Assert.ThrowsAsync<DialException>(async () => await connect);
        Assert.That(e!.Reply, Is.EqualTo(expected));
        Assert.That(e.Message, Does.Not.Contain("example.com"));
        await Task.CompletedTask;
    }
}
