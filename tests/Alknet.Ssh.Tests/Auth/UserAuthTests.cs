using System.IO.Pipelines;
using System.Net;
using System.Text.RegularExpressions;
using Alknet.Ssh.Auth;
using Alknet.Ssh.Connection;
using Alknet.Ssh.Keys;
using Alknet.Ssh.Messages;
using Alknet.Ssh.Tests.Session;
using Alknet.Ssh.Transport;
using Alknet.Ssh.Wire;
using NUnit.Framework;

namespace Alknet.Ssh.Tests.Auth;

[TestFixture]
public sealed class UserAuthTests
{
    private static SshServerOptions ServerOptions(ISshUserAuthorizer authorizer, List<string>? failures = null, int maxTries = 6) => new()
    {
        HostKeys = [SessionHarness.Key("ed25519")],
        Authorizer = authorizer,
        MaxAuthTries = maxTries,
        AuthFailureLog = failures is null ? null : line => { lock (failures) failures.Add(line); },
    };

    /// <summary>A client transport after key exchange, for sending auth messages by hand.</summary>
    private static async Task<(SshTransport Client, Task<SshSession> Server)> HandshakeAsync(SshServerOptions server)
    {
        var (c, s) = SessionHarness.CreatePipePair();
        var serverTask = SshServer.AcceptAsync(s, server, new IPEndPoint(IPAddress.Loopback, 40000));
        var client = new SshTransport(c, new SshTransportOptions(), isServer: false, verifier: new AcceptAnyHostKeyVerifier());
        await client.HandshakeAsync(CancellationToken.None);
        return (client, serverTask);
    }

    private static async Task<byte> NextAsync(SshTransport t) => (await t.ReadMessageAsync(CancellationToken.None)).Span[0];

    private static async Task StartUserAuthAsync(SshTransport t)
    {
        await t.WriteMessageAsync(new ServiceRequest("ssh-userauth"), CancellationToken.None);
        Assert.That(await NextAsync(t), Is.EqualTo(SshMessageNumbers.ServiceAccept));
    }

    private static byte[] Sign(SshTransport t, SshPrivateKey signer, string user, string alg, ReadOnlySpan<byte> blob, string? sigAlg = null) =>
        signer.Sign(sigAlg ?? SshKeyAlgorithms.SignatureAlgorithmOf(alg), UserAuthRequest.SignedData(t.SessionId, user, "ssh-connection", alg, blob));

    [Test]
    public async Task Server_WrongKeysUntilMaxAuthTries_Disconnects14AndLogsOneLinePerFailure()
    {
        var allowed = SessionHarness.Key("ed25519", 1);
        var failures = new List<string>();
        var wrong = Enumerable.Range(10, 7).Select(i => SessionHarness.Key("ed25519", i)).ToArray();
        var (c, s) = SessionHarness.CreatePipePair();
        var serverTask = SshServer.AcceptAsync(s, ServerOptions(new BlobAuthorizer("alice", allowed.PublicKey), failures),
            new IPEndPoint(IPAddress.Parse("192.0.2.7"), 5555));
        var clientTask = SshClient.ConnectAsync(c, SessionHarness.Client("alice", wrong));

        var clientEx = Assert.ThrowsAsync<SshDisconnectedException>(async () => await clientTask);
        Assert.That(clientEx!.Reason, Is.EqualTo(SshDisconnectReason.NoMoreAuthMethodsAvailable));
        Assert.That(clientEx.ByPeer, Is.True);
        var serverEx = Assert.ThrowsAsync<SshProtocolException>(async () => await serverTask);
        Assert.That(serverEx!.Reason, Is.EqualTo(SshDisconnectReason.NoMoreAuthMethodsAvailable));

        Assert.That(failures, Has.Count.EqualTo(6));
        for (int i = 0; i < failures.Count; i++)
        {
            Assert.That(failures[i], Does.Match(@"^auth failed peer=192\.0\.2\.7:5555 user=alice key=SHA256:[A-Za-z0-9+/]+ reason=\S+$"));
            Assert.That(failures[i], Does.Contain(wrong[i].PublicKey.Fingerprint));
        }
    }

    [Test]
    public async Task Server_QueryKeyAThenSignatureByKeyB_Rejected()
    {
        var a = SessionHarness.Key("ed25519", 1);
        var b = SessionHarness.Key("ed25519", 2);
        var (t, serverTask) = await HandshakeAsync(ServerOptions(new BlobAuthorizer("alice", a.PublicKey)));
        await using (t)
        {
            await StartUserAuthAsync(t);
            var blobA = a.PublicKey.Blob;
            await t.WriteMessageAsync(UserAuthRequest.PublicKeyQuery("alice", "ssh-connection", "ssh-ed25519", blobA), CancellationToken.None);
            Assert.That(await NextAsync(t), Is.EqualTo(SshMessageNumbers.UserAuthPkOk));

            // Key A's blob, key B's signature: must not authenticate.
            var forged = Sign(t, b, "alice", "ssh-ed25519", blobA.Span);
            await t.WriteMessageAsync(UserAuthRequest.PublicKeySigned("alice", "ssh-connection", "ssh-ed25519", blobA, forged), CancellationToken.None);
            Assert.That(await NextAsync(t), Is.EqualTo(SshMessageNumbers.UserAuthFailure));

            // Key B's blob with its own valid signature: B is not authorized.
            var blobB = b.PublicKey.Blob;
            var ownB = Sign(t, b, "alice", "ssh-ed25519", blobB.Span);
            await t.WriteMessageAsync(UserAuthRequest.PublicKeySigned("alice", "ssh-connection", "ssh-ed25519", blobB, ownB), CancellationToken.None);
            Assert.That(await NextAsync(t), Is.EqualTo(SshMessageNumbers.UserAuthFailure));

            // The genuine signature by A still works: the failures above were the keys, not the flow.
            var genuine = Sign(t, a, "alice", "ssh-ed25519", blobA.Span);
            await t.WriteMessageAsync(UserAuthRequest.PublicKeySigned("alice", "ssh-connection", "ssh-ed25519", blobA, genuine), CancellationToken.None);
            Assert.That(await NextAsync(t), Is.EqualTo(SshMessageNumbers.UserAuthSuccess));
            await using var session = await serverTask;
            Assert.That(session.UserKey.BlobEquals(a.PublicKey), Is.True);
        }
    }

    [Test]
    public async Task Server_QueryForUnauthorizedKey_NoPkOk()
    {
        var a = SessionHarness.Key("ed25519", 1);
        var b = SessionHarness.Key("ed25519", 2);
        var (t, serverTask) = await HandshakeAsync(ServerOptions(new BlobAuthorizer("alice", a.PublicKey)));
        await using (t)
        {
            await StartUserAuthAsync(t);
            await t.WriteMessageAsync(UserAuthRequest.PublicKeyQuery("alice", "ssh-connection", "ssh-ed25519", b.PublicKey.Blob), CancellationToken.None);
            Assert.That(await NextAsync(t), Is.EqualTo(SshMessageNumbers.UserAuthFailure));
            await t.DisconnectAsync(SshDisconnectReason.ByApplication, "bye");
            Assert.ThrowsAsync<SshDisconnectedException>(async () => await serverTask);
        }
    }

    [Test]
    public async Task Server_RsaSignatureAlgorithmDiffersFromRequest_Rejected()
    {
        var rsa = SessionHarness.Key("rsa");
        var (t, serverTask) = await HandshakeAsync(ServerOptions(new BlobAuthorizer("alice", rsa.PublicKey)));
        await using (t)
        {
            await StartUserAuthAsync(t);
            var blob = rsa.PublicKey.Blob;
            var sig256 = Sign(t, rsa, "alice", SshKeyAlgorithms.RsaSha512, blob.Span, SshKeyAlgorithms.RsaSha256);
            await t.WriteMessageAsync(UserAuthRequest.PublicKeySigned("alice", "ssh-connection", SshKeyAlgorithms.RsaSha512, blob, sig256), CancellationToken.None);
            Assert.That(await NextAsync(t), Is.EqualTo(SshMessageNumbers.UserAuthFailure));

            var sig512 = Sign(t, rsa, "alice", SshKeyAlgorithms.RsaSha512, blob.Span);
            await t.WriteMessageAsync(UserAuthRequest.PublicKeySigned("alice", "ssh-connection", SshKeyAlgorithms.RsaSha512, blob, sig512), CancellationToken.None);
            Assert.That(await NextAsync(t), Is.EqualTo(SshMessageNumbers.UserAuthSuccess));
            await (await serverTask).DisposeAsync();
        }
    }

    [Test]
    public async Task Server_UserAuthBeforeServiceRequest_DisconnectsProtocolError()
    {
        var (t, serverTask) = await HandshakeAsync(ServerOptions(new BlobAuthorizer("alice")));
        await using (t)
        {
            await t.WriteMessageAsync(UserAuthRequest.None("alice", "ssh-connection"), CancellationToken.None);
            var ex = Assert.ThrowsAsync<SshDisconnectedException>(async () => await NextAsync(t));
            Assert.That(ex!.Reason, Is.EqualTo(SshDisconnectReason.ProtocolError));
            Assert.That(Assert.ThrowsAsync<SshProtocolException>(async () => await serverTask)!.Reason, Is.EqualTo(SshDisconnectReason.ProtocolError));
        }
    }

    [Test]
    public async Task Server_UnknownService_DisconnectsServiceNotAvailable()
    {
        var (t, serverTask) = await HandshakeAsync(ServerOptions(new BlobAuthorizer("alice")));
        await using (t)
        {
            await t.WriteMessageAsync(new ServiceRequest("ssh-connection"), CancellationToken.None);
            var ex = Assert.ThrowsAsync<SshDisconnectedException>(async () => await NextAsync(t));
            Assert.That(ex!.Reason, Is.EqualTo(SshDisconnectReason.ServiceNotAvailable));
            Assert.That(Assert.ThrowsAsync<SshProtocolException>(async () => await serverTask)!.Reason, Is.EqualTo(SshDisconnectReason.ServiceNotAvailable));
        }
    }

    [TestCase(SshMessageNumbers.GlobalRequest)]
    [TestCase(SshMessageNumbers.ChannelOpen)]
    [TestCase(SshMessageNumbers.ChannelData)]
    public async Task Server_ConnectionLayerMessageBeforeAuth_DisconnectsProtocolError(byte number)
    {
        var (t, serverTask) = await HandshakeAsync(ServerOptions(new BlobAuthorizer("alice")));
        await using (t)
        {
            await StartUserAuthAsync(t);
            await t.WriteMessageAsync(new RawMessage([number, 0, 0, 0, 0]), CancellationToken.None);
            var ex = Assert.ThrowsAsync<SshDisconnectedException>(async () => await NextAsync(t));
            Assert.That(ex!.Reason, Is.EqualTo(SshDisconnectReason.ProtocolError));
            Assert.That(Assert.ThrowsAsync<SshProtocolException>(async () => await serverTask)!.Reason, Is.EqualTo(SshDisconnectReason.ProtocolError));
        }
    }

    [Test]
    public async Task Server_UserChangesBetweenAttempts_DisconnectsProtocolError()
    {
        var (t, serverTask) = await HandshakeAsync(ServerOptions(new BlobAuthorizer("alice")));
        await using (t)
        {
            await StartUserAuthAsync(t);
            await t.WriteMessageAsync(UserAuthRequest.None("alice", "ssh-connection"), CancellationToken.None);
            Assert.That(await NextAsync(t), Is.EqualTo(SshMessageNumbers.UserAuthFailure));
            await t.WriteMessageAsync(UserAuthRequest.None("root", "ssh-connection"), CancellationToken.None);
            var ex = Assert.ThrowsAsync<SshDisconnectedException>(async () => await NextAsync(t));
            Assert.That(ex!.Reason, Is.EqualTo(SshDisconnectReason.ProtocolError));
            Assert.That(Assert.ThrowsAsync<SshProtocolException>(async () => await serverTask)!.Reason, Is.EqualTo(SshDisconnectReason.ProtocolError));
        }
    }

    [Test]
    public async Task Client_HostKeyRejected_DisconnectsHostKeyNotVerifiable()
    {
        var user = SessionHarness.Key("ed25519", 1);
        var (c, s) = SessionHarness.CreatePipePair();
        var serverTask = SshServer.AcceptAsync(s, ServerOptions(new BlobAuthorizer("alice", user.PublicKey)));
        var known = KnownHostsFile.Parse("server.example " + SessionHarness.Key("ecdsa256").PublicKey.ToOpenSshLine() + "\n");
        var verifier = new KnownHostsVerifier(known, "server.example", 22);
        var clientOptions = new SshClientOptions { User = "alice", Identities = [new SshClientIdentity(user)], HostKeyVerifier = verifier };
        var ex = Assert.ThrowsAsync<SshProtocolException>(async () => await SshClient.ConnectAsync(c, clientOptions));
        Assert.That(ex!.Reason, Is.EqualTo(SshDisconnectReason.HostKeyNotVerifiable));
        Assert.That(verifier.LastResult, Is.EqualTo(KnownHostsResult.Mismatch));
        var serverEx = Assert.ThrowsAsync<SshDisconnectedException>(async () => await serverTask);
        Assert.That(serverEx!.Reason, Is.EqualTo(SshDisconnectReason.HostKeyNotVerifiable));
    }

    [Test]
    public async Task Client_RsaIdentity_SignsWithRsaSha512FromServerSigAlgs()
    {
        var rsa = SessionHarness.Key("rsa");
        var (client, server) = await SessionHarness.ConnectAsync(SessionHarness.Client("alice", rsa),
            ServerOptions(new BlobAuthorizer("alice", rsa.PublicKey)));
        await using (client)
        await using (server)
            Assert.That(server.UserKey.BlobEquals(rsa.PublicKey), Is.True);
    }

    [Test]
    public async Task Client_SecondIdentityAuthorized_FirstSkippedAfterFailedQuery()
    {
        var first = SessionHarness.Key("ecdsa384", 1);
        var second = SessionHarness.Key("ed25519", 3);
        var authorizer = new BlobAuthorizer("alice", second.PublicKey);
        var (client, server) = await SessionHarness.ConnectAsync(SessionHarness.Client("alice", first, second), ServerOptions(authorizer));
        await using (client)
        await using (server)
        {
            Assert.That(server.UserKey.BlobEquals(second.PublicKey), Is.True);
            Assert.That(client.UserKey.BlobEquals(second.PublicKey), Is.True);
        }
    }

    [Test]
    public async Task Server_BadSessionRunsBesideAGoodOne_GoodSessionUndisturbed()
    {
        var user = SessionHarness.Key("ed25519", 1);
        var (good, goodServer) = await SessionHarness.ConnectAsync(SessionHarness.Client("alice", user),
            ServerOptions(new BlobAuthorizer("alice", user.PublicKey)));
        await using (good)
        await using (goodServer)
        {
            var dispatcher = new SshConnection(goodServer).RunAsync();
            var (badClient, badServerPipe) = SessionHarness.CreatePipePair();
            var badServer = SshServer.AcceptAsync(badServerPipe, ServerOptions(new BlobAuthorizer("alice")));
            await badClient.Output.WriteAsync("SSH-2.0-x\r\n"u8.ToArray());
            await badClient.Output.WriteAsync(new byte[] { 0xFF, 0xFF, 0xFF, 0xF0 });
            for (int i = 0; i < 10; i++)
            {
                await good.WriteAsync(new GlobalRequest("x@alknet", true, new byte[100]));
                Assert.That((await good.ReadAsync()).MessageNumber, Is.EqualTo(SshMessageNumbers.RequestFailure));
            }
            Assert.That(Assert.ThrowsAsync<SshProtocolException>(async () => await badServer)!.Reason, Is.EqualTo(SshDisconnectReason.ProtocolError));
            await good.WriteAsync(new GlobalRequest("x@alknet", true, new byte[100]));
            Assert.That((await good.ReadAsync()).MessageNumber, Is.EqualTo(SshMessageNumbers.RequestFailure));
            await good.DisconnectAsync(SshDisconnectReason.ByApplication, "done");
            Assert.ThrowsAsync<SshDisconnectedException>(async () => await dispatcher);
        }
    }

    /// <summary>Any bytes as a message payload (first byte is the message number).</summary>
    private readonly record struct RawMessage(byte[] Payload) : ISshMessage
    {
        public void Write(ref SshWriter w) => w.WriteRaw(Payload);
    }
}
