using Alknet.Ssh.Connection;
using Alknet.Ssh.Crypto;
using Alknet.Ssh.Keys;
using Alknet.Ssh.Messages;
using Alknet.Ssh.Transport;
using NUnit.Framework;

namespace Alknet.Ssh.Tests.Session;

/// <summary>Every key exchange × host key algorithm × cipher (and every CTR × MAC pair), client and server both Alknet.</summary>
[TestFixture]
public sealed class AlgorithmMatrixTests
{
    private static readonly (string Algorithm, string Key)[] HostKeys =
    [
        (SshKeyAlgorithms.Ed25519, "ed25519"), (SshKeyAlgorithms.EcdsaNistP256, "ecdsa256"), (SshKeyAlgorithms.EcdsaNistP384, "ecdsa384"),
        (SshKeyAlgorithms.EcdsaNistP521, "ecdsa521"), (SshKeyAlgorithms.RsaSha512, "rsa"), (SshKeyAlgorithms.RsaSha256, "rsa"),
    ];

    private static IEnumerable<TestCaseData> KexHostKeyCipher()
    {
        foreach (var kex in SshAlgorithmNames.SupportedKeyExchange)
            foreach (var (hostAlg, key) in HostKeys)
                foreach (var cipher in PacketCiphers.SupportedCiphers)
                    yield return new TestCaseData(kex, hostAlg, key, cipher, PacketCiphers.HmacSha256Etm);
    }

    private static IEnumerable<TestCaseData> CtrMacPairs()
    {
        foreach (var cipher in new[] { PacketCiphers.Aes128Ctr, PacketCiphers.Aes256Ctr })
            foreach (var mac in PacketCiphers.SupportedMacs)
                yield return new TestCaseData(SshAlgorithmNames.Curve25519Sha256, SshKeyAlgorithms.Ed25519, "ed25519", cipher, mac);
    }

    [TestCaseSource(nameof(KexHostKeyCipher))]
    [TestCaseSource(nameof(CtrMacPairs))]
    public async Task Connect_ClientRestrictedToAlgorithms_NegotiatesThemAndCarriesTraffic(string kex, string hostAlg, string hostKey, string cipher, string mac)
    {
        var user = SessionHarness.Key("ecdsa256", 1);
        var client = new SshClientOptions
        {
            User = "carol",
            Identities = [new Alknet.Ssh.Auth.SshClientIdentity(user)],
            HostKeyVerifier = new AcceptAnyHostKeyVerifier(),
            Algorithms = new SshAlgorithmOptions { KeyExchange = [kex], HostKey = [hostAlg], Ciphers = [cipher], Macs = [mac] },
        };
        var server = SessionHarness.Server(new BlobAuthorizer("carol", user.PublicKey),
            SessionHarness.Key("ed25519"), SessionHarness.Key(hostKey));
        var (c, s) = await SessionHarness.ConnectAsync(client, server);
        await using (c)
        await using (s)
        {
            var expectedMac = PacketCiphers.IsAead(cipher) ? null : mac;
            Assert.That(c.Algorithms, Is.EqualTo(new NegotiatedAlgorithms(kex, hostAlg, cipher, cipher, expectedMac, expectedMac)));
            Assert.That(s.Algorithms, Is.EqualTo(c.Algorithms));
            Assert.That(c.HostKey.BlobEquals(SessionHarness.Key(hostKey).PublicKey), Is.True);

            var dispatcher = new SshConnection(s).RunAsync();
            await c.WriteAsync(new GlobalRequest("x@alknet", true, new byte[5000]));
            Assert.That((await c.ReadAsync()).MessageNumber, Is.EqualTo(SshMessageNumbers.RequestFailure));
            await c.DisconnectAsync(SshDisconnectReason.ByApplication, "done");
            Assert.ThrowsAsync<SshDisconnectedException>(async () => await dispatcher);
        }
    }
}
