using System.Buffers;
using System.IO.Pipelines;
using System.Text;
using Alknet.Engine.Dialing;
using Alknet.Engine.Socks5;
using NUnit.Framework;
using static Alknet.Engine.Tests.Socks5.WireTestKit;

namespace Alknet.Engine.Tests.Dialing;

public class HttpConnectDialerTests
{
    private CancellationTokenSource _guard = null!;

    [SetUp]
    public void SetUp() => _guard = new CancellationTokenSource(TimeSpan.FromSeconds(20));

    [TearDown]
    public void TearDown() => _guard.Dispose();

    [Test]
    public async Task DialAsync_ProxyAnswers200WithEarlyData_TunnelKeepsBytesBothWays()
    {
        var token = _guard.Token;
        var head = string.Empty;
        await using var upstream = new FakeUpstream(
            async pipe =>
            {
                head = await ReadHeadAsync(pipe.Input, token);
                await pipe.Output.WriteAsync(Encoding.ASCII.GetBytes("HTTP/1.1 200 Connection established\r\n\r\nhello"), token);
                Assert.That(await ReadExactlyAsync(pipe.Input, 4, token), Is.EqualTo("ping"u8.ToArray()));
            },
            token);
        var dialer = new HttpConnectDialer(UpstreamProxy.Parse($"http://Aladdin:open%20sesame@127.0.0.1:{upstream.Port}"));

        await using var connection = await dialer.DialAsync(new DialTarget("example.com", 443), token);
        Assert.That(await ReadExactlyAsync(connection.Input, 5, token), Is.EqualTo("hello"u8.ToArray()));
        await connection.Output.WriteAsync("ping"u8.ToArray(), token);
        await upstream.Served;

        Assert.That(head, Does.StartWith("CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n"));
        Assert.That(head, Does.Contain("Proxy-Authorization: Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==\r\n"));
    }

    [TestCase(407, Socks5ReplyCode.ConnectionNotAllowed)]
    [TestCase(504, Socks5ReplyCode.TtlExpired)]
    public async Task DialAsync_ProxyRefuses_MapsStatus(int status, Socks5ReplyCode expected)
    {
        var token = _guard.Token;
        await using var upstream = new FakeUpstream(
            async pipe =>
            {
                await ReadHeadAsync(pipe.Input, token);
                await pipe.Output.WriteAsync(Encoding.ASCII.GetBytes($"HTTP/1.1 {status} No\r\nContent-Length: 0\r\n\r\n"), token);
            },
            token);
        var dialer = new HttpConnectDialer(UpstreamProxy.Parse($"http://127.0.0.1:{upstream.Port}"));

        var e = await DialAssert.FailsAsync(dialer, new DialTarget("example.com", 443), token);

        Assert.That(e.Reply, Is.EqualTo(expected));
        Assert.That(e.Message, Does.Not.Contain("example.com"));
    }

    /// <summary>Reads the request head up to and including the empty line.</summary>
    private static async Task<string> ReadHeadAsync(PipeReader input, CancellationToken cancellationToken)
    {
        while (true)
        {
            var result = await input.ReadAsync(cancellationToken);
            var reader = new SequenceReader<byte>(result.Buffer);
            if (reader.TryReadTo(out ReadOnlySequence<byte> head, "\r\n\r\n"u8))
            {
                var text = Encoding.ASCII.GetString(head) + "\r\n\r\n";
                input.AdvanceTo(reader.Position);
                return text;
            }

            if (result.IsCompleted)
            {
                throw new InvalidOperationException("The client closed before ending its request head.");
            }

            input.AdvanceTo(result.Buffer.Start, result.Buffer.End);
        }
    }
}
