using Alknet.Ssh.Keys;
using NUnit.Framework;

namespace Alknet.Ssh.Tests.Keys;

/// <summary>
/// Blobs come from the network: any corruption must end in a parsed key or a <see cref="FormatException"/>, never
/// another exception type (which would escape the auth code's error handling).
/// </summary>
[TestFixture]
public sealed class KeyBlobMutationTests
{
    private static IEnumerable<byte[]> Blobs()
    {
        foreach (var (type, bits) in new (string, int?)[] { ("ed25519", null), ("ecdsa", 256), ("ecdsa", 521), ("rsa", 2048) })
        {
            using var key = SshPrivateKey.Generate(type, bits);
            using var ca = SshPrivateKey.Generate("ecdsa", 384);
            yield return key.PublicKey.Blob.ToArray();
            yield return SshCertificate.Create(key.PublicKey, ca, "ecdsa-sha2-nistp384", SshCertificateType.User, "id", ["alice", "bob"], 1, 2,
                [new("source-address", "10.0.0.0/8")], [new("permit-port-forwarding", "")]).Blob.ToArray();
        }
    }

    [Test]
    public void FromBlob_RandomCorruption_ParsesOrThrowsFormatException()
    {
        var random = new Random(20261122);
        int parsed = 0, rejected = 0;
        foreach (var original in Blobs())
        {
            for (int i = 0; i < 400; i++)
            {
                var blob = (byte[])original.Clone();
                int flips = 1 + random.Next(3);
                for (int f = 0; f < flips; f++) blob[random.Next(blob.Length)] = (byte)random.Next(256);
                try
                {
                    SshPublicKey.FromBlob(blob);
                    parsed++;
                }
                catch (FormatException)
                {
                    rejected++;
                }
            }
        }
        // Both outcomes occur: corrupting signature or nonce bytes still parses, corrupting lengths does not.
        Assert.Multiple(() =>
        {
            Assert.That(parsed, Is.GreaterThan(0));
            Assert.That(rejected, Is.GreaterThan(0));
        });
    }

    [Test]
    public void SignatureVerify_RandomCorruption_ReturnsFalseWithoutThrowing()
    {
        var random = new Random(7);
        foreach (var (type, bits) in new (string, int?)[] { ("ed25519", null), ("ecdsa", 384), ("rsa", 2048) })
        {
            using var key = SshPrivateKey.Generate(type, bits);
            var alg = key.PublicKey.SignatureAlgorithms[0];
            var sig = key.Sign(alg, "data"u8);
            for (int i = 0; i < 300; i++)
            {
                var bad = (byte[])sig.Clone();
                bad[random.Next(bad.Length)] ^= (byte)(1 + random.Next(255));
                Assert.That(key.PublicKey.Verify(alg, "data"u8, bad), Is.False, type + " iteration " + i);
            }
        }
    }
}
