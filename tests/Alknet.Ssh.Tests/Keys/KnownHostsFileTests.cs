using Alknet.Ssh.Keys;
using NUnit.Framework;

namespace Alknet.Ssh.Tests.Keys;

/// <summary>known_hosts: plain and hashed entries (hashed by ssh-keygen -H), ports, patterns, mismatch, revocation.</summary>
[TestFixture]
public sealed class KnownHostsFileTests
{
    private SshPrivateKey _host = null!;
    private SshPrivateKey _other = null!;

    [OneTimeSetUp]
    public void Setup()
    {
        _host = SshPrivateKey.Generate("ed25519");
        _other = SshPrivateKey.Generate("ecdsa");
    }

    [OneTimeTearDown]
    public void TearDown()
    {
        _host.Dispose();
        _other.Dispose();
    }

    private string Line(string hosts, SshPrivateKey key) => hosts + " " + key.PublicKey.ToOpenSshLine("c");

    [Test]
    public void Check_PlainHost_Match()
    {
        var file = KnownHostsFile.Parse(Line("server.example,192.0.2.1", _host));
        Assert.Multiple(() =>
        {
            Assert.That(file.Check("server.example", 22, _host.PublicKey), Is.EqualTo(KnownHostsResult.Match));
            Assert.That(file.Check("SERVER.example", 22, _host.PublicKey), Is.EqualTo(KnownHostsResult.Match));
            Assert.That(file.Check("192.0.2.1", 22, _host.PublicKey), Is.EqualTo(KnownHostsResult.Match));
            Assert.That(file.Check("other.example", 22, _host.PublicKey), Is.EqualTo(KnownHostsResult.Unknown));
        });
    }

    [Test]
    public void Check_NonStandardPort_NeedsBracketForm()
    {
        var file = KnownHostsFile.Parse(Line("[server.example]:2222", _host));
        Assert.Multiple(() =>
        {
            Assert.That(file.Check("server.example", 2222, _host.PublicKey), Is.EqualTo(KnownHostsResult.Match));
            Assert.That(file.Check("server.example", 22, _host.PublicKey), Is.EqualTo(KnownHostsResult.Unknown));
        });
    }

    [Test]
    public void Check_ChangedKey_Mismatch() =>
        Assert.That(KnownHostsFile.Parse(Line("server.example", _host)).Check("server.example", 22, _other.PublicKey),
            Is.EqualTo(KnownHostsResult.Mismatch));

    [Test]
    public void Check_WildcardsAndNegation_AppliedToHostName()
    {
        var file = KnownHostsFile.Parse(Line("*.example,!bad.example,host?", _host));
        Assert.Multiple(() =>
        {
            Assert.That(file.Check("a.example", 22, _host.PublicKey), Is.EqualTo(KnownHostsResult.Match));
            Assert.That(file.Check("bad.example", 22, _host.PublicKey), Is.EqualTo(KnownHostsResult.Unknown));
            Assert.That(file.Check("host1", 22, _host.PublicKey), Is.EqualTo(KnownHostsResult.Match));
            Assert.That(file.Check("host12", 22, _host.PublicKey), Is.EqualTo(KnownHostsResult.Unknown));
        });
    }

    [Test]
    public void Check_Revoked_WinsOverMatch()
    {
        var file = KnownHostsFile.Parse(Line("server.example", _host) + "\n@revoked * " + _host.PublicKey.ToOpenSshLine());
        Assert.Multiple(() =>
        {
            Assert.That(file.Check("server.example", 22, _host.PublicKey), Is.EqualTo(KnownHostsResult.Revoked));
            Assert.That(file.Check("elsewhere", 22, _host.PublicKey), Is.EqualTo(KnownHostsResult.Revoked));
        });
    }

    [Test]
    public void Check_HostCertificateFromSshKeygen_MatchesViaCertAuthority()
    {
        using var dir = new TempDir();
        var ca = SshKeygen.Generate(dir.Path, "ca", "ed25519");
        var hostKey = SshKeygen.Generate(dir.Path, "host", "ecdsa", 256);
        SshKeygen.Ok("-q", "-s", ca, "-h", "-I", "host", "-n", "server.example", "-V", "-5m:+1h", hostKey + ".pub");
        var hostCert = (SshCertificate)SshPublicKey.Load(hostKey + "-cert.pub");
        var caLine = File.ReadAllText(ca + ".pub").Trim();
        var file = KnownHostsFile.Parse("@cert-authority *.example " + caLine);
        Assert.Multiple(() =>
        {
            Assert.That(file.Check("server.example", 22, hostCert), Is.EqualTo(KnownHostsResult.Match));
            Assert.That(file.Check("server.example", 2222, hostCert), Is.EqualTo(KnownHostsResult.Unknown), "[host]:port does not match *.example");
            Assert.That(file.Check("other.example", 22, hostCert), Is.EqualTo(KnownHostsResult.Unknown), "not a principal");
            Assert.That(file.Check("server.example", 22, hostCert, DateTimeOffset.UtcNow.AddDays(1)), Is.EqualTo(KnownHostsResult.Unknown), "expired");
            Assert.That(KnownHostsFile.Parse("@revoked * " + caLine).Check("server.example", 22, hostCert), Is.EqualTo(KnownHostsResult.Revoked));
        });
    }

    [Test]
    public void Check_UserCertificateAsHostKey_NotTrusted()
    {
        using var ca = SshPrivateKey.Generate("ed25519");
        var cert = SshCertificate.Create(_host.PublicKey, ca, "ssh-ed25519", SshCertificateType.User, "u", ["server.example"], 0, ulong.MaxValue);
        var file = KnownHostsFile.Parse("@cert-authority * " + ca.PublicKey.ToOpenSshLine());
        Assert.That(file.Check("server.example", 22, cert), Is.EqualTo(KnownHostsResult.Unknown));
    }

    [Test]
    public void Parse_CertAuthorityMarker_RecordedNotUsedAsHostKey()
    {
        var file = KnownHostsFile.Parse("@cert-authority *.example " + _host.PublicKey.ToOpenSshLine());
        Assert.Multiple(() =>
        {
            Assert.That(file.Entries[0].Marker, Is.EqualTo(KnownHostsMarker.CertAuthority));
            Assert.That(file.Check("a.example", 22, _host.PublicKey), Is.EqualTo(KnownHostsResult.Unknown));
        });
    }

    [Test]
    public void Parse_BadLines_SkippedWithWarnings()
    {
        var file = KnownHostsFile.Parse("justahost\n@bogus x " + _host.PublicKey.ToOpenSshLine() + "\nh ssh-ed25519 AAAA\n" + Line("ok", _host));
        Assert.Multiple(() =>
        {
            Assert.That(file.Entries, Has.Count.EqualTo(1));
            Assert.That(file.Warnings, Has.Count.EqualTo(3));
            Assert.That(file.Warnings[0], Does.StartWith("line 1:"));
        });
    }

    [Test]
    public void Check_EntriesHashedBySshKeygen_Match()
    {
        using var dir = new TempDir();
        var path = dir.File("known_hosts");
        File.WriteAllText(path, Line("server.example", _host) + "\n" + Line("[server.example]:2222", _other) + "\n");
        SshKeygen.Ok("-H", "-f", path);
        var text = File.ReadAllText(path);
        Assert.That(text, Does.Not.Contain("server.example"));
        var file = KnownHostsFile.Parse(text);
        Assert.Multiple(() =>
        {
            Assert.That(file.Entries[0].HostPatterns, Does.StartWith("|1|"));
            Assert.That(file.Check("server.example", 22, _host.PublicKey), Is.EqualTo(KnownHostsResult.Match));
            Assert.That(file.Check("server.example", 2222, _other.PublicKey), Is.EqualTo(KnownHostsResult.Match));
            Assert.That(file.Check("server.example", 22, _other.PublicKey), Is.EqualTo(KnownHostsResult.Mismatch));
            Assert.That(file.Check("server.other", 22, _host.PublicKey), Is.EqualTo(KnownHostsResult.Unknown));
        });
    }

    [Test]
    public void Append_NewHost_ThenMatchesAndSshKeygenFindsIt()
    {
        using var dir = new TempDir();
        var path = dir.File("known_hosts");
        File.WriteAllText(path, Line("first", _other)); // no trailing newline on purpose
        KnownHostsFile.Append(path, "server.example", 2222, _host.PublicKey);
        KnownHostsFile.Append(path, "::1", 22, _host.PublicKey);
        var file = KnownHostsFile.Load(path);
        var found = SshKeygen.Ok("-F", "[server.example]:2222", "-f", path);
        Assert.Multiple(() =>
        {
            Assert.That(file.Entries, Has.Count.EqualTo(3));
            Assert.That(file.Check("first", 22, _other.PublicKey), Is.EqualTo(KnownHostsResult.Match));
            Assert.That(file.Check("server.example", 2222, _host.PublicKey), Is.EqualTo(KnownHostsResult.Match));
            Assert.That(file.Check("::1", 22, _host.PublicKey), Is.EqualTo(KnownHostsResult.Match));
            Assert.That(found, Does.Contain(_host.PublicKey.ToOpenSshLine()));
        });
    }

    [Test]
    public void Load_MissingFile_Empty() =>
        Assert.That(KnownHostsFile.Load("/nonexistent/known_hosts").Entries, Is.Empty);

    [Test]
    public void KnownKeyTypes_TwoKeysForHost_ListsBothTypes() =>
        Assert.That(KnownHostsFile.Parse(Line("h", _host) + "\n" + Line("h", _other)).KnownKeyTypes("h", 22),
            Is.EqualTo((string[])["ssh-ed25519", "ecdsa-sha2-nistp256"]));
}
