using NUnit.Framework;
using Alknet.Ssh.Connection;
using Alknet.Ssh.Crypto;
using Alknet.Ssh.Messages;
using Alknet.Ssh.Transport;

namespace Alknet.Ssh.Tests.Session;

[TestFixture]
public sealed class InMemorySessionTests
{
    [Test]
    public async Task Connect_DefaultAlgorithms_AuthenticatesAndNegotiatesStrictKex()
    {
        var user = SessionHarness.Key("ed25519", 1);
        var (client, server) = await SessionHarness.ConnectAsync(
            SessionHarness.Client("alice", user),
            SessionHarness.Server(new BlobAuthorizer("alice", user.PublicKey)));
        await using (client)
        await using (server)
        {
            Assert.That(server.User, Is.EqualTo("alice"));
            Assert.That(server.UserKey.BlobEquals(user.PublicKey), Is.True);
            Assert.That(client.StrictKex, Is.True);
            Assert.That(server.StrictKex, Is.True);
            Assert.That(client.SessionId.ToArray(), Is.EqualTo(server.SessionId.ToArray()));
            Assert.That(client.Algorithms, Is.EqualTo(server.Algorithms));
            Assert.That(client.Algorithms.KeyExchange, Is.EqualTo(SshAlgorithmNames.Curve25519Sha256));
            Assert.That(client.RemoteVersion, Does.StartWith("SSH-2.0-Alknet_"));
        }
    }

    [Test]
    public async Task Connection_NoHandler_ChannelOpenAndGlobalRequestRefusedWithWireAnswers()
    {
        var user = SessionHarness.Key("ed25519", 1);
        var (client, server) = await SessionHarness.ConnectAsync(
            SessionHarness.Client("alice", user),
            SessionHarness.Server(new BlobAuthorizer("alice", user.PublicKey)));
        await using (client)
        await using (server)
        {
            var dispatcher = new SshConnection(server).RunAsync();
            await client.WriteAsync(new GlobalRequest("keepalive@openssh.com", true, ReadOnlyMemory<byte>.Empty));
            var reply = await client.ReadAsync();
            Assert.That(reply.MessageNumber, Is.EqualTo(SshMessageNumbers.RequestFailure));

            await client.WriteAsync(new ChannelOpen("direct-tcpip", 7, 1 << 20, 32768, new TcpIpChannelData("example.org", 80, "127.0.0.1", 5555).ToBytes()));
            reply = await client.ReadAsync();
            var r = new Wire.SshReader(reply.Payload.Span);
            Assert.That(ChannelOpenFailure.TryRead(ref r, out var failure), Is.True);
            Assert.That(failure.RecipientChannel, Is.EqualTo(7u));
            Assert.That(failure.Reason, Is.EqualTo(ChannelOpenFailureReason.AdministrativelyProhibited));

            await client.DisconnectAsync(SshDisconnectReason.ByApplication, "bye");
            var ex = Assert.ThrowsAsync<SshDisconnectedException>(async () => await dispatcher);
            Assert.That(ex!.Reason, Is.EqualTo(SshDisconnectReason.ByApplication));
            Assert.That(ex.ByPeer, Is.True);
        }
    }

    [TestCase((byte)15)]
    [TestCase((byte)85)]
    [TestCase((byte)200)]
    public async Task Server_UnknownMessageNumberAfterAuth_AnswersUnimplementedAndContinues(byte number)
    {
        var user = SessionHarness.Key("ed25519", 1);
        var (client, server) = await SessionHarness.ConnectAsync(
            SessionHarness.Client("alice", user),
            SessionHarness.Server(new BlobAuthorizer("alice", user.PublicKey)));
        await using (client)
        await using (server)
        {
            var dispatcher = new SshConnection(server).RunAsync();
            await client.WriteAsync(new RawMessage([number, 1, 2, 3]));
            await client.WriteAsync(new GlobalRequest("x@alknet", true, ReadOnlyMemory<byte>.Empty));
            // UNIMPLEMENTED is consumed by the client transport; the next message is the reply to the request.
            Assert.That((await client.ReadAsync()).MessageNumber, Is.EqualTo(SshMessageNumbers.RequestFailure));
            await client.DisconnectAsync(SshDisconnectReason.ByApplication, "bye");
            Assert.ThrowsAsync<SshDisconnectedException>(async () => await dispatcher);
        }
    }

    private readonly record struct RawMessage(byte[] Payload) : ISshMessage
    {
        public void Write(ref Wire.SshWriter w) => w.WriteRaw(Payload);
    }
}
