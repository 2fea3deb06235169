using System.Buffers;
using Alknet.Ssh.Connection;
using Alknet.Ssh.Messages;
using Alknet.Ssh.Tests.Session;
using Alknet.Ssh.Transport;
using Alknet.Ssh.Wire;
using NUnit.Framework;

namespace Alknet.Ssh.Tests.Connection;

/// <summary>
/// A raw client session (no connection layer of its own) against a server running <see cref="SshConnection"/>:
/// every violation gets its exact wire answer, and the lawful oddities (unknown requests) get FAILURE.
/// </summary>
[TestFixture]
[CancelAfter(60_000)]
public class ConnectionViolationTests
{
    private const uint ClientChannel = 42;

    private static async Task<(SshSession Raw, SshConnection Server, Task Loop, TaskCompletionSource Hold)> StartAsync()
    {
        var user = SessionHarness.Key("ed25519", 1);
        var (client, server) = await SessionHarness.ConnectAsync(SessionHarness.Client("alice", user),
            SessionHarness.Server(new BlobAuthorizer("alice", user.PublicKey)));
        var hold = new TaskCompletionSource();
        var connection = new SshConnection(server, new SshConnectionOptions { Handler = new AcceptingHandler(_ => hold.Task) });
        return (client, connection, connection.RunAsync(), hold);
    }

    private static async Task<ChannelOpenConfirmation> OpenAsync(SshSession raw)
    {
        await raw.WriteAsync(new ChannelOpen(TcpIpChannelData.DirectTcpIp, ClientChannel, 1 << 20, 32768,
            new TcpIpChannelData("example.org", 80, "127.0.0.1", 1).ToBytes()));
        var packet = await raw.ReadAsync();
        var r = new SshReader(packet.Payload.Span);
        Assert.That(ChannelOpenConfirmation.TryRead(ref r, out var confirmation), Is.True, "message " + packet.MessageNumber);
        Assert.That(confirmation.RecipientChannel, Is.EqualTo(ClientChannel));
        return confirmation;
    }

    private static async Task<SshDisconnectedException> ExpectDisconnectAsync(SshSession raw)
    {
        while (true)
        {
            try { await raw.ReadAsync(); }
            catch (SshDisconnectedException e) { return e; }
        }
    }

    [Test]
    public async Task ChannelData_BeyondTheAdvertisedWindow_ProtocolErrorDisconnect()
    {
        var (raw, server, loop, hold) = await StartAsync();
        await using (raw)
        await using (server)
        {
            var confirmation = await OpenAsync(raw);
            var chunk = new ReadOnlySequence<byte>(new byte[32768]);
            // The server's application never reads, so the window is never given back: one packet too many.
            for (long sent = 0; sent <= confirmation.InitialWindowSize; sent += 32768)
                await raw.WriteAsync(new ChannelData(confirmation.SenderChannel, chunk));
            var e = await ExpectDisconnectAsync(raw);
            Assert.That(e.Reason, Is.EqualTo(SshDisconnectReason.ProtocolError));
            var ex = Assert.ThrowsAsync<SshProtocolException>(() => loop);
            Assert.That(ex!.Message, Does.Contain("window"));
            hold.SetResult();
        }
    }

    [Test]
    public async Task WindowAdjust_PastTwoToThe32_ProtocolErrorDisconnect()
    {
        var (raw, server, loop, hold) = await StartAsync();
        await using (raw)
        await using (server)
        {
            var confirmation = await OpenAsync(raw);
            await raw.WriteAsync(new ChannelWindowAdjust(confirmation.SenderChannel, uint.MaxValue));
            var e = await ExpectDisconnectAsync(raw);
            Assert.That(e.Reason, Is.EqualTo(SshDisconnectReason.ProtocolError));
            Assert.ThrowsAsync<SshProtocolException>(() => loop);
            hold.SetResult();
        }
    }

    [TestCase(SshMessageNumbers.ChannelData)]
    [TestCase(SshMessageNumbers.ChannelEof)]
    [TestCase(SshMessageNumbers.ChannelClose)]
    [TestCase(SshMessageNumbers.ChannelWindowAdjust)]
    public async Task ChannelMessage_ForAChannelThatIsNotOpen_ProtocolErrorDisconnect(byte number)
    {
        var (raw, server, loop, hold) = await StartAsync();
        await using (raw)
        await using (server)
        {
            byte[] payload = number switch
            {
                SshMessageNumbers.ChannelData => [number, 0, 0, 0, 9, 0, 0, 0, 1, 0xAA],
                SshMessageNumbers.ChannelWindowAdjust => [number, 0, 0, 0, 9, 0, 0, 1, 0],
                _ => [number, 0, 0, 0, 9],
            };
            await raw.WriteAsync(new Raw(payload));
            var e = await ExpectDisconnectAsync(raw);
            Assert.That(e.Reason, Is.EqualTo(SshDisconnectReason.ProtocolError));
            Assert.ThrowsAsync<SshProtocolException>(() => loop);
            hold.SetResult();
        }
    }

    [Test]
    public async Task ChannelRequest_UnknownWantingReply_ChannelFailureAndTheChannelStaysUsable()
    {
        var (raw, server, _, hold) = await StartAsync();
        await using (raw)
        await using (server)
        {
            var confirmation = await OpenAsync(raw);
            await raw.WriteAsync(new ChannelRequest(confirmation.SenderChannel, "keepalive@openssh.com", true, ReadOnlyMemory<byte>.Empty));
            var packet = await raw.ReadAsync();
            var r = new SshReader(packet.Payload.Span);
            Assert.That(ChannelFailure.TryRead(ref r, out var failure), Is.True, "message " + packet.MessageNumber);
            Assert.That(failure.RecipientChannel, Is.EqualTo(ClientChannel));
            await raw.WriteAsync(new GlobalRequest("keepalive@openssh.com", true, ReadOnlyMemory<byte>.Empty));
            Assert.That((await raw.ReadAsync()).MessageNumber, Is.EqualTo(SshMessageNumbers.RequestFailure));
            hold.SetResult();
        }
    }

    [Test]
    public async Task SessionChannel_Refused_AndAfterNoMoreSessionsDisconnects()
    {
        var (raw, server, loop, hold) = await StartAsync();
        await using (raw)
        await using (server)
        {
            await raw.WriteAsync(new ChannelOpen("session", 1, 1 << 20, 32768, ReadOnlyMemory<byte>.Empty));
            var packet = await raw.ReadAsync();
            var r = new SshReader(packet.Payload.Span);
            Assert.That(ChannelOpenFailure.TryRead(ref r, out var failure), Is.True);
            Assert.That(failure.Reason, Is.EqualTo(ChannelOpenFailureReason.AdministrativelyProhibited));

            await raw.WriteAsync(new ChannelOpen("x11", 2, 1 << 20, 32768, ReadOnlyMemory<byte>.Empty));
            packet = await raw.ReadAsync();
            r = new SshReader(packet.Payload.Span);
            Assert.That(ChannelOpenFailure.TryRead(ref r, out failure), Is.True);
            Assert.That(failure.Reason, Is.EqualTo(ChannelOpenFailureReason.UnknownChannelType));

            await raw.WriteAsync(new GlobalRequest("no-more-sessions@openssh.com", false, ReadOnlyMemory<byte>.Empty));
            await raw.WriteAsync(new ChannelOpen("session", 3, 1 << 20, 32768, ReadOnlyMemory<byte>.Empty));
            var e = await ExpectDisconnectAsync(raw);
            Assert.That(e.Reason, Is.EqualTo(SshDisconnectReason.ProtocolError));
            Assert.ThrowsAsync<SshProtocolException>(() => loop);
            hold.SetResult();
        }
    }

    [Test]
    public async Task GlobalReply_NeverAskedFor_ProtocolErrorDisconnect()
    {
        var (raw, server, loop, hold) = await StartAsync();
        await using (raw)
        await using (server)
        {
            await raw.WriteAsync(new RequestSuccess(ReadOnlyMemory<byte>.Empty));
            var e = await ExpectDisconnectAsync(raw);
            Assert.That(e.Reason, Is.EqualTo(SshDisconnectReason.ProtocolError));
            Assert.ThrowsAsync<SshProtocolException>(() => loop);
            hold.SetResult();
        }
    }

    [Test]
    public async Task DirectTcpIp_MalformedTypeData_ProtocolErrorDisconnect()
    {
        var (raw, server, loop, hold) = await StartAsync();
        await using (raw)
        await using (server)
        {
            await raw.WriteAsync(new ChannelOpen(TcpIpChannelData.DirectTcpIp, 1, 1 << 20, 32768, new byte[] { 0, 0, 0, 0 }));
            var e = await ExpectDisconnectAsync(raw);
            Assert.That(e.Reason, Is.EqualTo(SshDisconnectReason.ProtocolError));
            Assert.ThrowsAsync<SshProtocolException>(() => loop);
            hold.SetResult();
        }
    }

    private readonly record struct Raw(byte[] Payload) : ISshMessage
    {
        public void Write(ref SshWriter w) => w.WriteRaw(Payload);
    }
}
