using Alknet.Ssh.Connection;
using Alknet.Ssh.Crypto;
using Alknet.Ssh.Messages;
using Alknet.Ssh.Transport;
using NUnit.Framework;

namespace Alknet.Ssh.Tests.Session;

[TestFixture]
public sealed class RekeyTests
{
    private static async Task<int> PumpRequestsAsync(SshSession client, int count, int size)
    {
        for (int i = 0; i < count; i++)
        {
            await client.WriteAsync(new GlobalRequest("x@alknet", true, new byte[size]));
            var reply = await client.ReadAsync();
            Assert.That(reply.MessageNumber, Is.EqualTo(SshMessageNumbers.RequestFailure), "reply " + i);
        }
        return count;
    }

    [TestCase(PacketCiphers.Aes128Gcm)]
    [TestCase(PacketCiphers.ChaCha20Poly1305)]
    [TestCase(PacketCiphers.Aes256Ctr)]
    public async Task ByteLimit_ClientLimitSmall_RekeysRepeatedlyWithTrafficFlowing(string cipher)
    {
        var user = SessionHarness.Key("ed25519", 1);
        var clientOptions = new SshClientOptions
        {
            User = "alice",
            Identities = [new Alknet.Ssh.Auth.SshClientIdentity(user)],
            HostKeyVerifier = new AcceptAnyHostKeyVerifier(),
            RekeyBytes = 32 * 1024,
            Algorithms = new SshAlgorithmOptions { Ciphers = [cipher] },
        };
        var (c, s) = await SessionHarness.ConnectAsync(clientOptions, SessionHarness.Server(new BlobAuthorizer("alice", user.PublicKey)));
        await using (c)
        await using (s)
        {
            var sessionId = c.SessionId.ToArray();
            var dispatcher = new SshConnection(s).RunAsync();
            await PumpRequestsAsync(c, 60, 4000);
            Assert.That(c.KeyExchangeCount, Is.GreaterThanOrEqualTo(4));
            Assert.That(s.KeyExchangeCount, Is.EqualTo(c.KeyExchangeCount));
            Assert.That(c.SessionId.ToArray(), Is.EqualTo(sessionId), "the session id never changes");
            await c.DisconnectAsync(SshDisconnectReason.ByApplication, "done");
            Assert.ThrowsAsync<SshDisconnectedException>(async () => await dispatcher);
        }
    }

    [Test]
    public async Task ByteLimit_ServerLimitSmall_ServerRekeysOnIncomingVolume()
    {
        var user = SessionHarness.Key("ed25519", 1);
        var serverOptions = new SshServerOptions
        {
            HostKeys = [SessionHarness.Key("ed25519")],
            Authorizer = new BlobAuthorizer("alice", user.PublicKey),
            RekeyBytes = 32 * 1024,
        };
        var (c, s) = await SessionHarness.ConnectAsync(SessionHarness.Client("alice", user), serverOptions);
        await using (c)
        await using (s)
        {
            var dispatcher = new SshConnection(s).RunAsync();
            await PumpRequestsAsync(c, 60, 4000);
            Assert.That(s.KeyExchangeCount, Is.GreaterThanOrEqualTo(4));
            await c.DisconnectAsync(SshDisconnectReason.ByApplication, "done");
            Assert.ThrowsAsync<SshDisconnectedException>(async () => await dispatcher);
        }
    }

    [TestCase(true)]
    [TestCase(false)]
    public async Task RequestKeyExchange_EitherSide_CompletesAndTrafficContinues(bool serverInitiates)
    {
        var user = SessionHarness.Key("ed25519", 1);
        var (c, s) = await SessionHarness.ConnectAsync(SessionHarness.Client("alice", user),
            SessionHarness.Server(new BlobAuthorizer("alice", user.PublicKey)));
        await using (c)
        await using (s)
        {
            var dispatcher = new SshConnection(s).RunAsync();
            await PumpRequestsAsync(c, 3, 100);
            for (int round = 0; round < 3; round++)
            {
                await (serverInitiates ? s : c).RequestKeyExchangeAsync();
                await PumpRequestsAsync(c, 5, 2000);
            }
            Assert.That(c.KeyExchangeCount, Is.EqualTo(4));
            Assert.That(s.KeyExchangeCount, Is.EqualTo(4));
            await c.DisconnectAsync(SshDisconnectReason.ByApplication, "done");
            Assert.ThrowsAsync<SshDisconnectedException>(async () => await dispatcher);
        }
    }
}

[TestFixture]
public sealed class TimedRekeyTests
{
    [Test]
    public async Task RekeyInterval_Elapsed_NextTrafficTriggersKeyExchange()
    {
        var user = SessionHarness.Key("ed25519", 1);
        var clientOptions = new SshClientOptions
        {
            User = "alice",
            Identities = [new Alknet.Ssh.Auth.SshClientIdentity(user)],
            HostKeyVerifier = new AcceptAnyHostKeyVerifier(),
            RekeyInterval = TimeSpan.Zero, // every message finds the interval elapsed
        };
        var (c, s) = await SessionHarness.ConnectAsync(clientOptions, SessionHarness.Server(new BlobAuthorizer("alice", user.PublicKey)));
        await using (c)
        await using (s)
        {
            var dispatcher = new SshConnection(s).RunAsync();
            for (int i = 0; i < 5; i++)
            {
                await c.WriteAsync(new GlobalRequest("x@alknet", true, new byte[10]));
                Assert.That((await c.ReadAsync()).MessageNumber, Is.EqualTo(SshMessageNumbers.RequestFailure));
            }
            Assert.That(c.KeyExchangeCount, Is.GreaterThanOrEqualTo(3));
            await c.DisconnectAsync(SshDisconnectReason.ByApplication, "done");
            Assert.ThrowsAsync<SshDisconnectedException>(async () => await dispatcher);
        }
    }
}
