using System.Net;
using Alknet.Ssh.Keys;
using NUnit.Framework;

namespace Alknet.Ssh.Tests.Keys;

/// <summary>Certificates made by `ssh-keygen -s`, parsed and validated; each fault gives its own verdict.</summary>
[TestFixture]
public sealed class CertificateTests
{
    private static readonly IPAddress Loopback = IPAddress.Loopback;
    private TempDir _dir = null!;
    private string _ca = null!;
    private string _user = null!;
    private SshPublicKey _caKey = null!;

    [OneTimeSetUp]
    public void Setup()
    {
        _dir = new TempDir();
        _ca = SshKeygen.Generate(_dir.Path, "ca", "ed25519");
        _user = SshKeygen.Generate(_dir.Path, "user", "ed25519");
        _caKey = SshPublicKey.Load(_ca + ".pub");
    }

    [OneTimeTearDown]
    public void TearDown() => _dir.Dispose();

    private int _counter;

    /// <summary>Signs a copy of <paramref name="userPub"/> with the given ssh-keygen options and parses the certificate.</summary>
    private SshCertificate Issue(string ca, string userPub, params string[] options)
    {
        var copy = _dir.File("k" + Interlocked.Increment(ref _counter));
        File.Copy(userPub, copy + ".pub");
        SshKeygen.Ok(["-q", "-s", ca, .. options, copy + ".pub"]);
        var key = SshPublicKey.Load(copy + "-cert.pub");
        Assert.That(key, Is.InstanceOf<SshCertificate>());
        return (SshCertificate)key;
    }

    private SshCertificate Cert(params string[] options) => Issue(_ca, _user + ".pub", options);

    private CertificateValidationResult Validate(SshCertificate cert, string user = "alice", IPAddress? peer = null, SshPublicKey? ca = null) =>
        new CertificateValidator([ca ?? _caKey]).Validate(cert, [user], peer ?? Loopback, DateTimeOffset.UtcNow);

    [Test]
    public void Parse_SshKeygenCertificate_ExposesFields()
    {
        var cert = Cert("-I", "key id 7", "-n", "alice,bob", "-z", "42", "-V", "20300101Z:20310101Z", "-O", "force-command=true");
        var user = SshPublicKey.Load(_user + ".pub");
        Assert.Multiple(() =>
        {
            Assert.That(cert.KeyType, Is.EqualTo("ssh-ed25519-cert-v01@openssh.com"));
            Assert.That(cert.Key.BlobEquals(user), Is.True);
            Assert.That(cert.Serial, Is.EqualTo(42UL));
            Assert.That(cert.CertificateType, Is.EqualTo(SshCertificateType.User));
            Assert.That(cert.KeyId, Is.EqualTo("key id 7"));
            Assert.That(cert.Principals, Is.EqualTo((string[])["alice", "bob"]));
            Assert.That(cert.ValidAfter, Is.EqualTo((ulong)new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero).ToUnixTimeSeconds()));
            Assert.That(cert.ValidBefore, Is.EqualTo((ulong)new DateTimeOffset(2031, 1, 1, 0, 0, 0, TimeSpan.Zero).ToUnixTimeSeconds()));
            Assert.That(cert.CriticalOptions, Is.EqualTo((KeyValuePair<string, string>[])[new("force-command", "true")]));
            Assert.That(cert.Extensions.Select(e => e.Key), Does.Contain("permit-port-forwarding"));
            Assert.That(cert.SignatureKey.BlobEquals(_caKey), Is.True);
            Assert.That(cert.Nonce.Length, Is.GreaterThanOrEqualTo(16));
            Assert.That(cert.VerifyCaSignature(), Is.True);
            Assert.That(SshPublicKey.FromBlob(cert.Blob.Span).Blob.ToArray(), Is.EqualTo(cert.Blob.ToArray()));
        });
    }

    [TestCase("ed25519", 0)]
    [TestCase("ecdsa", 384)]
    [TestCase("rsa", 2048)]
    public void Fingerprint_Certificate_IsTheCertifiedKeysAsSshKeygenPrintsIt(string type, int bits)
    {
        var user = SshKeygen.Generate(_dir.Path, "fp_" + type, type, bits == 0 ? null : bits);
        var cert = Issue(_ca, user + ".pub", "-I", "id", "-n", "alice");
        var certFile = _dir.File("k" + _counter + "-cert.pub");

        Assert.Multiple(() =>
        {
            Assert.That(cert.Fingerprint, Is.EqualTo(SshKeygen.Fingerprint(certFile)));
            Assert.That(cert.Fingerprint, Is.EqualTo(SshPublicKey.Load(user + ".pub").Fingerprint));
        });
    }

    [Test]
    public void Validate_ValidUserCertificate_Accepted()
    {
        var result = Validate(Cert("-I", "id", "-n", "alice", "-V", "-5m:+1h"));
        Assert.Multiple(() =>
        {
            Assert.That(result.Error, Is.EqualTo(CertificateError.None), result.Reason);
            Assert.That(result.IsValid, Is.True);
            Assert.That(result.PermitPortForwarding, Is.True);
        });
    }

    [Test]
    public void Validate_NoPortForwardingExtension_ValidWithoutForwarding()
    {
        var result = Validate(Cert("-I", "id", "-n", "alice", "-O", "no-port-forwarding"));
        Assert.Multiple(() =>
        {
            Assert.That(result.IsValid, Is.True, result.Reason);
            Assert.That(result.PermitPortForwarding, Is.False);
        });
    }

    [Test]
    public void Validate_Expired_Refused()
    {
        var result = Validate(Cert("-I", "id", "-n", "alice", "-V", "20200101:20200102"));
        Assert.Multiple(() =>
        {
            Assert.That(result.Error, Is.EqualTo(CertificateError.Expired));
            Assert.That(result.Reason, Does.StartWith("certificate expired"));
        });
    }

    [Test]
    public void Validate_NotYetValid_Refused() =>
        Assert.That(Validate(Cert("-I", "id", "-n", "alice", "-V", "+1d:+2d")).Error, Is.EqualTo(CertificateError.NotYetValid));

    [Test]
    public void Validate_SuppliedClock_DecidesValidityWindow()
    {
        var cert = Cert("-I", "id", "-n", "alice", "-V", "20300101Z:20310101Z");
        var validator = new CertificateValidator([_caKey]);
        Assert.Multiple(() =>
        {
            Assert.That(validator.Validate(cert, ["alice"], Loopback, new DateTimeOffset(2030, 6, 1, 0, 0, 0, TimeSpan.Zero)).IsValid, Is.True);
            Assert.That(validator.Validate(cert, ["alice"], Loopback, new DateTimeOffset(2031, 1, 1, 0, 0, 0, TimeSpan.Zero)).Error, Is.EqualTo(CertificateError.Expired));
            Assert.That(validator.Validate(cert, ["alice"], Loopback, new DateTimeOffset(2029, 12, 31, 23, 59, 59, TimeSpan.Zero)).Error, Is.EqualTo(CertificateError.NotYetValid));
        });
    }

    [Test]
    public void Validate_WrongPrincipal_Refused()
    {
        var result = Validate(Cert("-I", "id", "-n", "bob"));
        Assert.Multiple(() =>
        {
            Assert.That(result.Error, Is.EqualTo(CertificateError.PrincipalNotAllowed));
            Assert.That(result.Reason, Is.EqualTo("certificate principals do not include an allowed name"));
        });
    }

    [Test]
    public void Validate_EmptyPrincipals_Refused() =>
        Assert.That(Validate(Cert("-I", "id")).Error, Is.EqualTo(CertificateError.NoPrincipals));

    [Test]
    public void Validate_HostCertificate_Refused()
    {
        var result = Validate(Cert("-I", "id", "-h", "-n", "alice"));
        Assert.Multiple(() =>
        {
            Assert.That(result.Error, Is.EqualTo(CertificateError.NotUserCertificate));
            Assert.That(result.Reason, Does.Contain("type 2"));
        });
    }

    [Test]
    public void Validate_UnknownCriticalOption_Refused()
    {
        var result = Validate(Cert("-I", "id", "-n", "alice", "-O", "critical:foo@example.com=bar"));
        Assert.Multiple(() =>
        {
            Assert.That(result.Error, Is.EqualTo(CertificateError.UnknownCriticalOption));
            Assert.That(result.Reason, Does.Contain("foo@example.com"));
        });
    }

    [Test]
    public void Validate_UnknownExtension_Ignored() =>
        Assert.That(Validate(Cert("-I", "id", "-n", "alice", "-O", "extension:bar@example.com=x")).IsValid, Is.True);

    [Test]
    public void Validate_VerifyRequired_Refused() =>
        Assert.That(Validate(Cert("-I", "id", "-n", "alice", "-O", "verify-required")).Error, Is.EqualTo(CertificateError.VerifyRequired));

    [Test]
    public void Validate_ForceCommand_AcceptedAndRecorded()
    {
        var result = Validate(Cert("-I", "id", "-n", "alice", "-O", "force-command=/bin/true"));
        Assert.Multiple(() =>
        {
            Assert.That(result.IsValid, Is.True, result.Reason);
            Assert.That(result.ForceCommand, Is.EqualTo("/bin/true"));
        });
    }

    [TestCase("127.0.0.1")]
    [TestCase("10.1.2.3")]
    [TestCase("::1")]
    [TestCase("::ffff:10.1.200.4")]
    [TestCase("2001:db8::17")]
    public void Validate_SourceAddressContainsPeer_Accepted(string peer)
    {
        var cert = Cert("-I", "id", "-n", "alice", "-O", "source-address=127.0.0.1,10.1.0.0/16,::1/128,2001:db8::/32");
        var result = Validate(cert, peer: IPAddress.Parse(peer));
        Assert.That(result.IsValid, Is.True, result.Reason);
    }

    [TestCase("127.0.0.2")]
    [TestCase("10.2.0.1")]
    [TestCase("::2")]
    [TestCase("2001:db9::1")]
    public void Validate_SourceAddressExcludesPeer_Refused(string peer)
    {
        var cert = Cert("-I", "id", "-n", "alice", "-O", "source-address=127.0.0.1,10.1.0.0/16,::1/128,2001:db8::/32");
        var result = Validate(cert, peer: IPAddress.Parse(peer));
        Assert.Multiple(() =>
        {
            Assert.That(result.Error, Is.EqualTo(CertificateError.SourceAddressMismatch));
            Assert.That(result.Reason, Does.Contain("source-address"));
        });
    }

    [Test]
    public void Validate_UntrustedCa_Refused()
    {
        var other = SshPrivateKey.Generate("ed25519");
        var result = Validate(Cert("-I", "id", "-n", "alice"), ca: other.PublicKey);
        Assert.Multiple(() =>
        {
            Assert.That(result.Error, Is.EqualTo(CertificateError.UntrustedCertificateAuthority));
            Assert.That(result.Reason, Does.Contain(_caKey.Fingerprint));
        });
    }

    [Test]
    public void Validate_TamperedCertificate_BadSignature()
    {
        var cert = Cert("-I", "id", "-n", "alice");
        var blob = cert.Blob.ToArray();
        // Flip a bit of the nonce (inside the signed data).
        blob[40] ^= 1;
        var tampered = SshCertificate.Parse(blob);
        Assert.That(Validate(tampered).Error, Is.EqualTo(CertificateError.BadSignature));
    }

    [TestCase("ecdsa", 384, null)]
    [TestCase("rsa", 2048, null)]
    [TestCase("rsa", 2048, "rsa-sha2-256")]
    public void Validate_OtherCaKeyTypes_Accepted(string caType, int bits, string? signatureAlgorithm)
    {
        var ca = SshKeygen.Generate(_dir.Path, "ca-" + caType + "-" + signatureAlgorithm, caType, bits);
        var options = new List<string> { "-I", "id", "-n", "alice" };
        if (signatureAlgorithm is not null) options.AddRange(["-t", signatureAlgorithm]);
        var cert = Issue(ca, _user + ".pub", [.. options]);
        var result = Validate(cert, ca: SshPublicKey.Load(ca + ".pub"));
        Assert.That(result.IsValid, Is.True, result.Reason);
    }

    [Test]
    public void Validate_RsaCaSha1Signature_Refused()
    {
        var ca = SshKeygen.Generate(_dir.Path, "ca-rsa-sha1", "rsa", 2048);
        var cert = Issue(ca, _user + ".pub", "-I", "id", "-n", "alice", "-t", "ssh-rsa");
        var result = Validate(cert, ca: SshPublicKey.Load(ca + ".pub"));
        Assert.Multiple(() =>
        {
            Assert.That(result.Error, Is.EqualTo(CertificateError.BadSignature));
            Assert.That(result.Reason, Does.Contain("SHA-1"));
        });
    }

    [TestCase("ecdsa", 256, "ecdsa-sha2-nistp256-cert-v01@openssh.com")]
    [TestCase("ecdsa", 521, "ecdsa-sha2-nistp521-cert-v01@openssh.com")]
    [TestCase("rsa", 2048, "ssh-rsa-cert-v01@openssh.com")]
    public void Verify_CertifiedKeySignature_DelegatesToInnerKey(string type, int bits, string certType)
    {
        var userPath = SshKeygen.Generate(_dir.Path, "u-" + type + bits, type, bits);
        var cert = Issue(_ca, userPath + ".pub", "-I", "id", "-n", "alice");
        using var priv = SshPrivateKey.Load(userPath);
        var alg = priv.PublicKey.SignatureAlgorithms[^1];
        var sig = priv.Sign(alg, "session data"u8);
        var certAlg = cert.PublicKeyAlgorithms[^1];
        Assert.Multiple(() =>
        {
            Assert.That(cert.KeyType, Is.EqualTo(certType));
            Assert.That(Validate(cert).IsValid, Is.True);
            Assert.That(cert.Verify(alg, "session data"u8, sig), Is.True);
            Assert.That(cert.Verify(certAlg, "session data"u8, sig), Is.True);
            Assert.That(cert.Verify(alg, "other data"u8, sig), Is.False);
        });
    }

    [Test]
    public void Validate_DuplicateCriticalOption_Refused()
    {
        using var ca = SshPrivateKey.Generate("ed25519");
        using var user = SshPrivateKey.Generate("ed25519");
        var cert = SshCertificate.Create(user.PublicKey, ca, "ssh-ed25519", SshCertificateType.User, "id", ["alice"], 0, ulong.MaxValue,
            [new("source-address", "127.0.0.1"), new("source-address", "0.0.0.0/0")]);
        var result = new CertificateValidator([ca.PublicKey]).Validate(cert, ["alice"], Loopback, DateTimeOffset.UtcNow);
        Assert.That(result.Error, Is.EqualTo(CertificateError.DuplicateCriticalOption));
    }

    [Test]
    public void Validate_SignedByCertificate_Refused()
    {
        using var ca = SshPrivateKey.Generate("ed25519");
        using var user = SshPrivateKey.Generate("ed25519");
        var caCert = SshCertificate.Create(ca.PublicKey, ca, "ssh-ed25519", SshCertificateType.User, "ca", ["x"], 0, ulong.MaxValue);
        var cert = SshCertificate.Create(user.PublicKey, ca, "ssh-ed25519", SshCertificateType.User, "id", ["alice"], 0, ulong.MaxValue,
            null, null, 0, caCert.Blob.ToArray());
        var result = new CertificateValidator([ca.PublicKey, caCert]).Validate(cert, ["alice"], Loopback, DateTimeOffset.UtcNow);
        Assert.Multiple(() =>
        {
            Assert.That(cert.SignatureKey, Is.InstanceOf<SshCertificate>());
            Assert.That(result.Error, Is.EqualTo(CertificateError.SignedByCertificate));
        });
    }

    [Test]
    public void Parse_CertificateChainDeeperThanOne_ThrowsFormatException()
    {
        using var ca = SshPrivateKey.Generate("ed25519");
        var level1 = SshCertificate.Create(ca.PublicKey, ca, "ssh-ed25519", SshCertificateType.User, "1", ["x"], 0, ulong.MaxValue);
        var level2 = SshCertificate.Create(ca.PublicKey, ca, "ssh-ed25519", SshCertificateType.User, "2", ["x"], 0, ulong.MaxValue,
            null, null, 0, level1.Blob.ToArray());
        Assert.That(() => SshCertificate.Create(ca.PublicKey, ca, "ssh-ed25519", SshCertificateType.User, "3", ["x"], 0, ulong.MaxValue,
            null, null, 0, level2.Blob.ToArray()), Throws.InstanceOf<FormatException>());
    }

    [Test]
    public void Validate_MalformedSourceAddress_Refused()
    {
        using var ca = SshPrivateKey.Generate("ed25519");
        using var user = SshPrivateKey.Generate("ed25519");
        var cert = SshCertificate.Create(user.PublicKey, ca, "ssh-ed25519", SshCertificateType.User, "id", ["alice"], 0, ulong.MaxValue,
            [new("source-address", "10.0.0.0/33")]);
        var result = new CertificateValidator([ca.PublicKey]).Validate(cert, ["alice"], Loopback, DateTimeOffset.UtcNow);
        Assert.That(result.Error, Is.EqualTo(CertificateError.MalformedSourceAddress));
    }

    [Test]
    public void Create_OwnCertificate_SshKeygenListsIt()
    {
        using var ca = SshPrivateKey.Generate("ecdsa");
        using var user = SshPrivateKey.Generate("ed25519");
        var cert = SshCertificate.Create(user.PublicKey, ca, "ecdsa-sha2-nistp256", SshCertificateType.User, "made-by-us", ["alice"], 0, ulong.MaxValue,
            extensions: [new("permit-port-forwarding", "")]);
        var path = _dir.File("ours-cert.pub");
        File.WriteAllText(path, cert.ToOpenSshLine() + "\n");
        var listing = SshKeygen.Ok("-L", "-f", path);
        Assert.Multiple(() =>
        {
            Assert.That(listing, Does.Contain("Key ID: \"made-by-us\""));
            Assert.That(listing, Does.Contain("permit-port-forwarding"));
            Assert.That(listing, Does.Contain(ca.PublicKey.Fingerprint));
        });
    }

    [Test]
    public void Parse_EveryTruncation_ThrowsFormatException()
    {
        var blob = Cert("-I", "id", "-n", "alice").Blob.ToArray();
        for (int len = 0; len < blob.Length; len++)
            Assert.That(() => SshPublicKey.FromBlob(blob.AsSpan(0, len)), Throws.InstanceOf<FormatException>(), "length " + len);
    }
}
