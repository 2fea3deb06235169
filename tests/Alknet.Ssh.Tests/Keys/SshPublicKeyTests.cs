using System.Buffers;
using System.Security.Cryptography;
using Alknet.Ssh.Keys;
using Alknet.Ssh.Wire;
using NUnit.Framework;

namespace Alknet.Ssh.Tests.Keys;

/// <summary>Public key blobs and signatures: round trips, every truncation, and each malformed input.</summary>
[TestFixture]
public sealed class SshPublicKeyTests
{
    private static byte[] Build(Action<ArrayBufferWriter<byte>> write)
    {
        var b = new ArrayBufferWriter<byte>();
        write(b);
        return b.WrittenSpan.ToArray();
    }

    private static byte[] Blob(params object[] fields) => Build(b =>
    {
        var w = new SshWriter(b);
        foreach (var f in fields)
        {
            switch (f)
            {
                case string s: w.WriteString(s); break;
                case byte[] bytes: w.WriteString(bytes); break;
                case Mpint m: w.WriteMpintUnsigned(m.Value); break;
            }
        }
        w.Commit();
    });

    private sealed record Mpint(byte[] Value);

    [TestCase("ed25519", null)]
    [TestCase("ecdsa", 256)]
    [TestCase("ecdsa", 384)]
    [TestCase("ecdsa", 521)]
    [TestCase("rsa", 2048)]
    public void FromBlob_OwnBlob_RoundTrips(string type, int? bits)
    {
        using var key = SshPrivateKey.Generate(type, bits);
        var parsed = SshPublicKey.FromBlob(key.PublicKey.Blob.Span);
        Assert.Multiple(() =>
        {
            Assert.That(parsed.GetType(), Is.EqualTo(key.PublicKey.GetType()));
            Assert.That(parsed.Blob.ToArray(), Is.EqualTo(key.PublicKey.Blob.ToArray()));
            Assert.That(parsed.Fingerprint, Is.EqualTo(key.PublicKey.Fingerprint));
        });
    }

    [TestCase("ed25519", null)]
    [TestCase("ecdsa", 521)]
    [TestCase("rsa", 2048)]
    public void FromBlob_EveryTruncation_ThrowsFormatException(string type, int? bits)
    {
        using var key = SshPrivateKey.Generate(type, bits);
        var blob = key.PublicKey.Blob.ToArray();
        for (int len = 0; len < blob.Length; len++)
            Assert.That(() => SshPublicKey.FromBlob(blob.AsSpan(0, len)), Throws.InstanceOf<FormatException>(), "length " + len);
    }

    [Test]
    public void FromBlob_TrailingByte_ThrowsFormatException()
    {
        using var key = SshPrivateKey.Generate("ed25519");
        var blob = key.PublicKey.Blob.ToArray().Append((byte)0).ToArray();
        Assert.That(() => SshPublicKey.FromBlob(blob), Throws.InstanceOf<FormatException>());
    }

    [Test]
    public void FromBlob_UnknownType_ThrowsWithTypeName() =>
        Assert.That(() => SshPublicKey.FromBlob(Blob("ssh-dss", new byte[20])),
            Throws.InstanceOf<FormatException>().With.Message.Contains("unsupported key type ssh-dss"));

    [Test]
    public void FromBlob_Ed25519WrongLength_Throws() =>
        Assert.That(() => SshPublicKey.FromBlob(Blob("ssh-ed25519", new byte[31])), Throws.InstanceOf<FormatException>());

    [Test]
    public void FromBlob_EcdsaCurveNameMismatch_Throws()
    {
        using var key = (EcdsaPrivateKey)SshPrivateKey.Generate("ecdsa", 256);
        var point = ((EcdsaPublicKey)key.PublicKey).Point.ToArray();
        Assert.That(() => SshPublicKey.FromBlob(Blob("ecdsa-sha2-nistp256", "nistp384", point)),
            Throws.InstanceOf<FormatException>().With.Message.Contains("curve name"));
    }

    [Test]
    public void FromBlob_EcdsaPointNotOnCurve_Throws()
    {
        using var key = (EcdsaPrivateKey)SshPrivateKey.Generate("ecdsa", 256);
        var point = ((EcdsaPublicKey)key.PublicKey).Point.ToArray();
        point[^1] ^= 1;
        Assert.That(() => SshPublicKey.FromBlob(Blob("ecdsa-sha2-nistp256", "nistp256", point)),
            Throws.InstanceOf<FormatException>().With.Message.Contains("not a point"));
    }

    [Test]
    public void FromBlob_EcdsaCompressedPoint_Throws()
    {
        var point = new byte[33];
        point[0] = 0x02;
        Assert.That(() => SshPublicKey.FromBlob(Blob("ecdsa-sha2-nistp256", "nistp256", point)),
            Throws.InstanceOf<FormatException>().With.Message.Contains("uncompressed"));
    }

    [Test]
    public void FromBlob_Rsa1000Bits_RejectedAsTooSmall()
    {
        var n = RandomNumberGenerator.GetBytes(125);
        n[0] |= 0x80;
        n[^1] |= 1;
        Assert.That(() => SshPublicKey.FromBlob(Blob("ssh-rsa", new Mpint([1, 0, 1]), new Mpint(n))),
            Throws.InstanceOf<FormatException>().With.Message.Contains("too small"));
    }

    [Test]
    public void FromBlob_NonMinimalMpint_Throws()
    {
        using var key = (RsaPrivateKey)SshPrivateKey.Generate("rsa", 2048);
        var pub = (RsaPublicKey)key.PublicKey;
        // e with a redundant leading zero byte.
        var blob = Blob("ssh-rsa", new byte[] { 0, 1, 0, 1 }, new Mpint(pub.Modulus.ToArray()));
        Assert.That(() => SshPublicKey.FromBlob(blob), Throws.InstanceOf<FormatException>());
    }

    [Test]
    public void ParseOpenSshLine_TypeDiffersFromBlob_Throws()
    {
        using var key = SshPrivateKey.Generate("ed25519");
        var line = "ssh-rsa " + Convert.ToBase64String(key.PublicKey.Blob.Span) + " c";
        Assert.That(() => SshPublicKey.ParseOpenSshLine(line), Throws.InstanceOf<FormatException>().With.Message.Contains("says ssh-rsa"));
    }

    [Test]
    public void ParseOpenSshLine_WithComment_ReturnsComment()
    {
        using var key = SshPrivateKey.Generate("ed25519");
        var parsed = SshPublicKey.ParseOpenSshLine(key.PublicKey.ToOpenSshLine("user@host with spaces"), out var comment);
        Assert.Multiple(() =>
        {
            Assert.That(comment, Is.EqualTo("user@host with spaces"));
            Assert.That(parsed.BlobEquals(key.PublicKey), Is.True);
        });
    }

    [Test]
    public void ParseOpenSshLine_BadBase64_Throws() =>
        Assert.That(() => SshPublicKey.ParseOpenSshLine("ssh-ed25519 !!!!"), Throws.InstanceOf<FormatException>().With.Message.Contains("base64"));

    // ---- signatures ----

    [TestCase("ed25519", null)]
    [TestCase("ecdsa", 256)]
    [TestCase("ecdsa", 384)]
    [TestCase("ecdsa", 521)]
    [TestCase("rsa", 2048)]
    public void Verify_WrongAlgorithmOrData_ReturnsFalse(string type, int? bits)
    {
        using var key = SshPrivateKey.Generate(type, bits);
        var alg = key.PublicKey.SignatureAlgorithms[0];
        var sig = key.Sign(alg, "data"u8);
        Assert.Multiple(() =>
        {
            Assert.That(key.PublicKey.Verify(alg, "data"u8, sig), Is.True);
            Assert.That(key.PublicKey.Verify(alg, "datb"u8, sig), Is.False);
            Assert.That(key.PublicKey.Verify("ssh-foo", "data"u8, sig), Is.False);
            Assert.That(key.PublicKey.Verify(alg, "data"u8, sig.AsSpan(0, sig.Length - 1)), Is.False);
        });
    }

    [Test]
    public void Verify_RsaSha256SignatureUnderSha512Name_ReturnsFalse()
    {
        using var key = SshPrivateKey.Generate("rsa", 2048);
        var sig = key.Sign("rsa-sha2-256", "data"u8);
        Assert.Multiple(() =>
        {
            Assert.That(key.PublicKey.Verify("rsa-sha2-256", "data"u8, sig), Is.True);
            Assert.That(key.PublicKey.Verify("rsa-sha2-512", "data"u8, sig), Is.False);
        });
    }

    [Test]
    public void Sign_RsaSha1_Refused()
    {
        using var key = SshPrivateKey.Generate("rsa", 2048);
        Assert.That(() => key.Sign("ssh-rsa", "data"u8), Throws.InstanceOf<CryptographicException>());
    }

    [Test]
    public void Verify_RsaSha1SignatureBlob_ReturnsFalse()
    {
        using var rsa = RSA.Create(2048);
        var p = rsa.ExportParameters(false);
        var pub = new RsaPublicKey(p.Exponent, p.Modulus);
        var sig = rsa.SignData("data"u8.ToArray(), HashAlgorithmName.SHA1, RSASignaturePadding.Pkcs1);
        Assert.That(pub.Verify("ssh-rsa", "data"u8, SshSignature.Create("ssh-rsa", sig)), Is.False);
    }

    [Test]
    public void Verify_RsaSignatureWithoutLeadingZero_LeftPaddedAndAccepted()
    {
        using var key = SshPrivateKey.Generate("rsa", 2048);
        // Find data whose signature starts with a zero byte (1 in 256), then strip it as some signers do.
        for (int i = 0; ; i++)
        {
            var data = BitConverter.GetBytes(i);
            var blob = key.Sign("rsa-sha2-256", data);
            Assert.That(SshSignature.TryParse(blob, out _, out var raw), Is.True);
            if (raw[0] != 0) continue;
            var shortened = SshSignature.Create("rsa-sha2-256", raw[1..]);
            Assert.That(key.PublicKey.Verify("rsa-sha2-256", data, shortened), Is.True);
            break;
        }
    }

    [Test]
    public void Verify_RsaSignatureLongerThanModulus_ReturnsFalse()
    {
        using var key = SshPrivateKey.Generate("rsa", 2048);
        var blob = key.Sign("rsa-sha2-512", "data"u8);
        Assert.That(SshSignature.TryParse(blob, out _, out var raw), Is.True);
        var longer = SshSignature.Create("rsa-sha2-512", [0, .. raw]);
        Assert.That(key.PublicKey.Verify("rsa-sha2-512", "data"u8, longer), Is.False);
    }

    private static byte[] EcdsaSig(string alg, byte[] r, byte[] s) => SshSignature.Create(alg, Build(b =>
    {
        var w = new SshWriter(b);
        w.WriteMpintUnsigned(r);
        w.WriteMpintUnsigned(s);
        w.Commit();
    }));

    [Test]
    public void Verify_EcdsaScalarOutOfRange_ReturnsFalse()
    {
        using var key = SshPrivateKey.Generate("ecdsa", 256);
        var order = Convert.FromHexString("FFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551");
        var blob = key.Sign("ecdsa-sha2-nistp256", "data"u8);
        Assert.That(SshSignature.TryParse(blob, out _, out var inner), Is.True);
        var r = new SshReader(inner);
        var rv = r.ReadMpintUnsigned().ToArray();
        var sv = r.ReadMpintUnsigned().ToArray();
        // RFC 5656 / SEC1: r and s must lie in [1, n-1]; zero and the group order itself are refused.
        Assert.Multiple(() =>
        {
            Assert.That(key.PublicKey.Verify("ecdsa-sha2-nistp256", "data"u8, EcdsaSig("ecdsa-sha2-nistp256", rv, sv)), Is.True);
            Assert.That(key.PublicKey.Verify("ecdsa-sha2-nistp256", "data"u8, EcdsaSig("ecdsa-sha2-nistp256", [], sv)), Is.False);
            Assert.That(key.PublicKey.Verify("ecdsa-sha2-nistp256", "data"u8, EcdsaSig("ecdsa-sha2-nistp256", rv, order)), Is.False);
            Assert.That(key.PublicKey.Verify("ecdsa-sha2-nistp256", "data"u8, EcdsaSig("ecdsa-sha2-nistp256", order, sv)), Is.False);
        });
    }

    [Test]
    public void SignatureAlgorithmOf_CertificateNames_MapToPlain()
    {
        Assert.Multiple(() =>
        {
            Assert.That(SshKeyAlgorithms.SignatureAlgorithmOf("rsa-sha2-256-cert-v01@openssh.com"), Is.EqualTo("rsa-sha2-256"));
            Assert.That(SshKeyAlgorithms.SignatureAlgorithmOf("ssh-ed25519-cert-v01@openssh.com"), Is.EqualTo("ssh-ed25519"));
            Assert.That(SshKeyAlgorithms.SignatureAlgorithmOf("ecdsa-sha2-nistp384"), Is.EqualTo("ecdsa-sha2-nistp384"));
        });
    }

    [Test]
    public void EcdsaImport_ScalarOfAnotherKey_Rejected()
    {
        using var a = System.Security.Cryptography.ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var b = System.Security.Cryptography.ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var pa = a.ExportParameters(true);
        var pb = b.ExportParameters(false);
        byte[] point = [0x04, .. pb.Q.X!, .. pb.Q.Y!];
        Assert.That(() => EcdsaPrivateKey.Import(EcdsaCurve.NistP256, pa.D, point),
            Throws.TypeOf<SshKeyFileException>().With.Message.Contains("does not match"));
    }

    [Test]
    public void RsaImport_PrimesNotFactoringModulus_Rejected()
    {
        using var a = RSA.Create(2048);
        using var b = RSA.Create(2048);
        var pa = a.ExportParameters(true);
        var pb = b.ExportParameters(true);
        Assert.That(() => RsaPrivateKey.Import(pa.Modulus, pa.Exponent, pa.D, pb.P, pb.Q),
            Throws.TypeOf<SshKeyFileException>().With.Message.Contains("p·q"));
    }

    [Test]
    public void IsAlgorithmForKey_PlainAndCertificateNames_MatchOnlyTheirKeys()
    {
        using var rsa = SshPrivateKey.Generate("rsa", 2048);
        using var ed = SshPrivateKey.Generate("ed25519");
        var cert = SshCertificate.Create(rsa.PublicKey, ed, "ssh-ed25519", SshCertificateType.User, "id", ["a"], 0, ulong.MaxValue);
        Assert.Multiple(() =>
        {
            Assert.That(SshKeyAlgorithms.IsAlgorithmForKey("rsa-sha2-256", rsa.PublicKey), Is.True);
            Assert.That(SshKeyAlgorithms.IsAlgorithmForKey("rsa-sha2-512", rsa.PublicKey), Is.True);
            Assert.That(SshKeyAlgorithms.IsAlgorithmForKey("ssh-rsa", rsa.PublicKey), Is.False);
            Assert.That(SshKeyAlgorithms.IsAlgorithmForKey("ssh-ed25519", rsa.PublicKey), Is.False);
            Assert.That(SshKeyAlgorithms.IsAlgorithmForKey("ssh-ed25519", ed.PublicKey), Is.True);
            Assert.That(SshKeyAlgorithms.IsAlgorithmForKey("rsa-sha2-512-cert-v01@openssh.com", cert), Is.True);
            Assert.That(SshKeyAlgorithms.IsAlgorithmForKey("ssh-rsa-cert-v01@openssh.com", cert), Is.False);
            Assert.That(SshKeyAlgorithms.IsAlgorithmForKey("rsa-sha2-512", cert), Is.False);
        });
    }

    [Test]
    public void Generate_UnknownType_Throws() =>
        Assert.That(() => SshPrivateKey.Generate("dsa"), Throws.ArgumentException.With.Message.Contains("unknown key type"));

    [Test]
    public void Generate_EcdsaBadSize_Throws() =>
        Assert.That(() => SshPrivateKey.Generate("ecdsa", 192), Throws.ArgumentException);
}
