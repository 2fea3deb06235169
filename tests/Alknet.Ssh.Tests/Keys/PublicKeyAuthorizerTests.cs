using System.Net;
using Alknet.Ssh.Keys;
using NUnit.Framework;

namespace Alknet.Ssh.Tests.Keys;

/// <summary>The single publickey decision point: plain keys, certificates via cert-authority lines and the CA file.</summary>
[TestFixture]
public sealed class PublicKeyAuthorizerTests
{
    private static readonly DateTimeOffset Now = new(2030, 6, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly IPAddress Peer = IPAddress.Parse("192.0.2.10");
    private SshPrivateKey _user = null!;
    private SshPrivateKey _other = null!;
    private SshPrivateKey _ca = null!;

    [OneTimeSetUp]
    public void Setup()
    {
        _user = SshPrivateKey.Generate("ed25519");
        _other = SshPrivateKey.Generate("ecdsa");
        _ca = SshPrivateKey.Generate("ed25519");
    }

    [OneTimeTearDown]
    public void TearDown()
    {
        _user.Dispose();
        _other.Dispose();
        _ca.Dispose();
    }

    private SshCertificate Cert(string[] principals, IReadOnlyList<KeyValuePair<string, string>>? critical = null, bool forwarding = true) =>
        SshCertificate.Create(_user.PublicKey, _ca, "ssh-ed25519", SshCertificateType.User, "cert-id", principals, 0, ulong.MaxValue,
            critical, forwarding ? [new("permit-port-forwarding", "")] : []);

    private static PublicKeyAuthorizer Authorizer(string authorizedKeys, params SshPublicKey[] cas) =>
        new(AuthorizedKeysFile.Parse(authorizedKeys), cas);

    [Test]
    public void Authorize_ListedKey_AllowedWithUnrestrictedForwarding()
    {
        var result = Authorizer(_user.PublicKey.ToOpenSshLine("u")).Authorize("alice", _user.PublicKey, Peer, Now);
        Assert.Multiple(() =>
        {
            Assert.That(result.Allowed, Is.True, result.Reason);
            Assert.That(result.Entry!.LineNumber, Is.EqualTo(1));
            Assert.That(result.Permissions.AllowPortForwarding, Is.True);
            Assert.That(result.Permissions.IsOpenAllowed("example.org", 443), Is.True);
            Assert.That(result.Reason, Does.Contain(_user.PublicKey.Fingerprint));
        });
    }

    [Test]
    public void Authorize_UnlistedKey_Denied()
    {
        var result = Authorizer(_other.PublicKey.ToOpenSshLine()).Authorize("alice", _user.PublicKey, Peer, Now);
        Assert.Multiple(() =>
        {
            Assert.That(result.Allowed, Is.False);
            Assert.That(result.Reason, Does.Contain("not in authorized_keys"));
            Assert.That(result.Permissions.IsOpenAllowed("a", 1), Is.False);
        });
    }

    [Test]
    public void Authorize_PermitOpen_LimitsTargets()
    {
        var result = Authorizer("permitopen=\"db.internal:5432\",permitopen=\"[::1]:*\",permitlisten=\"localhost:8080\" " + _user.PublicKey.ToOpenSshLine())
            .Authorize("alice", _user.PublicKey, Peer, Now);
        var p = result.Permissions;
        Assert.Multiple(() =>
        {
            Assert.That(result.Allowed, Is.True);
            Assert.That(p.IsOpenAllowed("db.internal", 5432), Is.True);
            Assert.That(p.IsOpenAllowed("DB.INTERNAL", 5432), Is.True);
            Assert.That(p.IsOpenAllowed("db.internal", 5433), Is.False);
            Assert.That(p.IsOpenAllowed("10.0.0.5", 5432), Is.False);
            Assert.That(p.IsOpenAllowed("::1", 22), Is.True);
            Assert.That(p.IsOpenAllowed("[::1]", 22), Is.True);
            Assert.That(p.IsListenAllowed("localhost", 8080), Is.True);
            Assert.That(p.IsListenAllowed("0.0.0.0", 8080), Is.False);
            Assert.That(p.IsListenAllowed("localhost", 8081), Is.False);
        });
    }

    [Test]
    public void Authorize_RestrictedKey_NoForwarding() =>
        Assert.That(Authorizer("restrict " + _user.PublicKey.ToOpenSshLine()).Authorize("alice", _user.PublicKey, Peer, Now)
            .Permissions.IsOpenAllowed("a", 1), Is.False);

    [Test]
    public void Authorize_FromMismatch_Denied()
    {
        var result = Authorizer("from=\"10.0.0.0/8\" " + _user.PublicKey.ToOpenSshLine()).Authorize("alice", _user.PublicKey, Peer, Now);
        Assert.Multiple(() =>
        {
            Assert.That(result.Allowed, Is.False);
            Assert.That(result.Reason, Does.Contain("from="));
        });
    }

    [Test]
    public void Authorize_FirstLineFailsSecondMatches_Allowed()
    {
        var text = "from=\"10.0.0.0/8\" " + _user.PublicKey.ToOpenSshLine() + "\nno-port-forwarding " + _user.PublicKey.ToOpenSshLine();
        var result = Authorizer(text).Authorize("alice", _user.PublicKey, Peer, Now);
        Assert.Multiple(() =>
        {
            Assert.That(result.Allowed, Is.True);
            Assert.That(result.Entry!.LineNumber, Is.EqualTo(2));
            Assert.That(result.Permissions.AllowPortForwarding, Is.False);
        });
    }

    [Test]
    public void Authorize_ExpiredLine_Denied()
    {
        var result = Authorizer("expiry-time=\"20300101Z\" " + _user.PublicKey.ToOpenSshLine()).Authorize("alice", _user.PublicKey, Peer, Now);
        Assert.Multiple(() =>
        {
            Assert.That(result.Allowed, Is.False);
            Assert.That(result.Reason, Does.Contain("expiry-time"));
        });
    }

    [Test]
    public void Authorize_PlainKeyMatchingCertAuthorityLine_Denied() =>
        Assert.That(Authorizer("cert-authority " + _user.PublicKey.ToOpenSshLine()).Authorize("alice", _user.PublicKey, Peer, Now).Allowed, Is.False);

    [Test]
    public void Authorize_CertificateViaCertAuthorityLine_Allowed()
    {
        var result = Authorizer("cert-authority,permitopen=\"git:22\" " + _ca.PublicKey.ToOpenSshLine()).Authorize("alice", Cert(["alice"]), Peer, Now);
        Assert.Multiple(() =>
        {
            Assert.That(result.Allowed, Is.True, result.Reason);
            Assert.That(result.Permissions.IsOpenAllowed("git", 22), Is.True);
            Assert.That(result.Permissions.IsOpenAllowed("git", 80), Is.False);
        });
    }

    [Test]
    public void Authorize_CertificateWithUserKeyListedPlainly_Denied()
    {
        // A certificate is judged by its CA only; its inner key being listed does not authorise it (as in sshd).
        var result = Authorizer(_user.PublicKey.ToOpenSshLine()).Authorize("alice", Cert(["alice"]), Peer, Now);
        Assert.Multiple(() =>
        {
            Assert.That(result.Allowed, Is.False);
            Assert.That(result.CertificateError, Is.EqualTo(CertificateError.UntrustedCertificateAuthority));
        });
    }

    [Test]
    public void Authorize_CertAuthorityPrincipals_OverlapRequired()
    {
        var line = "cert-authority,principals=\"ops,deploy\" " + _ca.PublicKey.ToOpenSshLine();
        var allowed = Authorizer(line).Authorize("alice", Cert(["deploy"]), Peer, Now);
        var denied = Authorizer(line).Authorize("ops", Cert(["alice"]), Peer, Now);
        Assert.Multiple(() =>
        {
            Assert.That(allowed.Allowed, Is.True, allowed.Reason);
            Assert.That(denied.Allowed, Is.False);
            Assert.That(denied.CertificateError, Is.EqualTo(CertificateError.PrincipalNotAllowed));
        });
    }

    [Test]
    public void Authorize_CertificateViaCaFile_PrincipalMustEqualUser()
    {
        var authorizer = Authorizer("", _ca.PublicKey);
        var ok = authorizer.Authorize("alice", Cert(["alice"]), Peer, Now);
        var wrong = authorizer.Authorize("bob", Cert(["alice"]), Peer, Now);
        Assert.Multiple(() =>
        {
            Assert.That(ok.Allowed, Is.True, ok.Reason);
            Assert.That(ok.Entry, Is.Null);
            Assert.That(ok.Permissions.IsOpenAllowed("any", 1), Is.True);
            Assert.That(wrong.Allowed, Is.False);
            Assert.That(wrong.CertificateError, Is.EqualTo(CertificateError.PrincipalNotAllowed));
        });
    }

    [Test]
    public void Authorize_CertificateWithoutForwardingExtension_NoForwarding()
    {
        var result = Authorizer("", _ca.PublicKey).Authorize("alice", Cert(["alice"], forwarding: false), Peer, Now);
        Assert.Multiple(() =>
        {
            Assert.That(result.Allowed, Is.True);
            Assert.That(result.Permissions.AllowPortForwarding, Is.False);
        });
    }

    [Test]
    public void Authorize_CertificateForwardingMergedWithLine_StricterWins()
    {
        var result = Authorizer("cert-authority,no-port-forwarding " + _ca.PublicKey.ToOpenSshLine()).Authorize("alice", Cert(["alice"]), Peer, Now);
        Assert.Multiple(() =>
        {
            Assert.That(result.Allowed, Is.True);
            Assert.That(result.Permissions.AllowPortForwarding, Is.False);
        });
    }

    [Test]
    public void Authorize_CertificateSourceAddressMismatch_Denied()
    {
        var cert = Cert(["alice"], [new("source-address", "10.0.0.0/8")]);
        var result = Authorizer("", _ca.PublicKey).Authorize("alice", cert, Peer, Now);
        Assert.Multiple(() =>
        {
            Assert.That(result.Allowed, Is.False);
            Assert.That(result.CertificateError, Is.EqualTo(CertificateError.SourceAddressMismatch));
        });
    }

    [Test]
    public void Authorize_CertificateFromUnknownCa_Denied() =>
        Assert.That(Authorizer(_user.PublicKey.ToOpenSshLine(), _other.PublicKey).Authorize("alice", Cert(["alice"]), Peer, Now).CertificateError,
            Is.EqualTo(CertificateError.UntrustedCertificateAuthority));

    [Test]
    public void ParseCaKeys_LinesAndComments_ReadsKeysAndNamesBadLine()
    {
        var keys = PublicKeyAuthorizer.ParseCaKeys("# CAs\n" + _ca.PublicKey.ToOpenSshLine("ca") + "\n\n" + _other.PublicKey.ToOpenSshLine() + "\n");
        Assert.Multiple(() =>
        {
            Assert.That(keys, Has.Count.EqualTo(2));
            Assert.That(keys[0].BlobEquals(_ca.PublicKey), Is.True);
            Assert.That(() => PublicKeyAuthorizer.ParseCaKeys("\nnot a key"), Throws.TypeOf<AuthorizedKeysFormatException>().With.Message.StartsWith("line 2:"));
        });
    }
}
