using System.Net;
using Alknet.Ssh.Keys;
using NUnit.Framework;

namespace Alknet.Ssh.Tests.Keys;

/// <summary>authorized_keys: each option, quoting, comments, and malformed lines reported with their line number.</summary>
[TestFixture]
public sealed class AuthorizedKeysFileTests
{
    private static readonly SshPublicKey PublicKey = NewPublicKey("ed25519");
    private static readonly string KeyText = PublicKey.ToOpenSshLine();

    internal static SshPublicKey NewPublicKey(string type)
    {
        using var key = SshPrivateKey.Generate(type);
        return key.PublicKey;
    }

    private static AuthorizedKeyOptions Options(string options)
    {
        var file = AuthorizedKeysFile.Parse(options + " " + KeyText + " comment");
        Assert.That(file.Entries, Has.Count.EqualTo(1));
        return file.Entries[0].Options;
    }

    private static AuthorizedKeysFormatException? Error(string text)
    {
        try
        {
            AuthorizedKeysFile.Parse(text);
            return null;
        }
        catch (AuthorizedKeysFormatException e)
        {
            return e;
        }
    }

    [Test]
    public void Parse_PlainLinesCommentsAndBlanks_ReadsKeysWithLineNumbers()
    {
        var other = NewPublicKey("ecdsa").ToOpenSshLine("second key");
        var file = AuthorizedKeysFile.Parse("# comment\n\n" + KeyText + " first\r\n   \n" + other + "\n");
        Assert.Multiple(() =>
        {
            Assert.That(file.Entries, Has.Count.EqualTo(2));
            Assert.That(file.Entries[0].LineNumber, Is.EqualTo(3));
            Assert.That(file.Entries[0].Comment, Is.EqualTo("first"));
            Assert.That(file.Entries[0].Key.BlobEquals(PublicKey), Is.True);
            Assert.That(file.Entries[0].Options.AllowPortForwarding, Is.True);
            Assert.That(file.Entries[1].LineNumber, Is.EqualTo(5));
            Assert.That(file.Entries[1].Comment, Is.EqualTo("second key"));
        });
    }

    [Test]
    public void Parse_Restrict_DisablesForwardingAndSessionFeatures()
    {
        var o = Options("restrict");
        Assert.Multiple(() =>
        {
            Assert.That(o.Restrict, Is.True);
            Assert.That(o.AllowPortForwarding, Is.False);
            Assert.That(o.AllowPty, Is.False);
            Assert.That(o.AllowAgentForwarding, Is.False);
        });
    }

    [Test]
    public void Parse_RestrictThenPortForwarding_ReenablesForwarding() =>
        Assert.That(Options("restrict,port-forwarding").AllowPortForwarding, Is.True);

    [Test]
    public void Parse_MixedCaseOptionNames_Recognised() =>
        Assert.That(Options("RESTRICT,Port-Forwarding,No-Pty").AllowPortForwarding, Is.True);

    [Test]
    public void Parse_NoPortForwarding_Disables() =>
        Assert.That(Options("no-port-forwarding").AllowPortForwarding, Is.False);

    [Test]
    public void Parse_PermitOpen_ParsesHostPortForms()
    {
        var o = Options("permitopen=\"db.internal:5432\",permitopen=\"[2001:db8::1]:443\",permitopen=\"10.0.0.1:*\",permitopen=\"*:22\"");
        Assert.That(o.PermitOpen, Is.EqualTo((PermitOpen[])
            [new("db.internal", 5432), new("2001:db8::1", 443), new("10.0.0.1", PermitOpen.AnyPort), new("*", 22)]));
    }

    [TestCase("permitopen=\"host\"")]
    [TestCase("permitopen=\"host:0\"")]
    [TestCase("permitopen=\"host:65536\"")]
    [TestCase("permitopen=\"host:http\"")]
    [TestCase("permitopen=\"::1:22\"")]
    [TestCase("permitopen=\":22\"")]
    public void Parse_BadPermitOpen_ErrorNamesLine(string option)
    {
        var e = Error("# c\n" + option + " " + KeyText);
        Assert.Multiple(() =>
        {
            Assert.That(e, Is.Not.Null);
            Assert.That(e!.LineNumber, Is.EqualTo(2));
            Assert.That(e.Message, Does.StartWith("line 2: permitopen"));
        });
    }

    [Test]
    public void Parse_PermitListen_HostOptional()
    {
        var o = Options("permitlisten=\"8080\",permitlisten=\"localhost:9000\",permitlisten=\"[::1]:*\"");
        Assert.That(o.PermitListen, Is.EqualTo((PermitListen[])
            [new("*", 8080), new("localhost", 9000), new("::1", PermitOpen.AnyPort)]));
    }

    [Test]
    public void Parse_FromPatterns_MatchPeer()
    {
        var o = Options("from=\"10.0.0.0/8,!10.9.0.0/16,192.168.1.?,2001:db8::/32\"");
        Assert.Multiple(() =>
        {
            Assert.That(o.IsFromAllowed(IPAddress.Parse("10.1.2.3")), Is.True);
            Assert.That(o.IsFromAllowed(IPAddress.Parse("10.9.1.1")), Is.False, "negated");
            Assert.That(o.IsFromAllowed(IPAddress.Parse("192.168.1.7")), Is.True, "wildcard ?");
            Assert.That(o.IsFromAllowed(IPAddress.Parse("192.168.1.17")), Is.False, "? is one character");
            Assert.That(o.IsFromAllowed(IPAddress.Parse("2001:db8::5")), Is.True);
            Assert.That(o.IsFromAllowed(IPAddress.Parse("::ffff:10.0.0.1")), Is.True, "IPv4-mapped");
            Assert.That(o.IsFromAllowed(IPAddress.Parse("172.16.0.1")), Is.False);
        });
    }

    [Test]
    public void Parse_FromStar_WithNegation()
    {
        var o = Options("from=\"*,!127.0.0.1\"");
        Assert.Multiple(() =>
        {
            Assert.That(o.IsFromAllowed(IPAddress.Parse("8.8.8.8")), Is.True);
            Assert.That(o.IsFromAllowed(IPAddress.Loopback), Is.False);
        });
    }

    [Test]
    public void Parse_FromBadCidr_Error() =>
        Assert.That(Error(KeyText + "\nfrom=\"10.0.0.0/40\" " + KeyText)!.Message, Does.StartWith("line 2: from=: invalid CIDR"));

    [Test]
    public void Parse_ExpiryTime_UtcAndForms()
    {
        Assert.Multiple(() =>
        {
            Assert.That(Options("expiry-time=\"20300102Z\"").ExpiryTime, Is.EqualTo(new DateTimeOffset(2030, 1, 2, 0, 0, 0, TimeSpan.Zero)));
            Assert.That(Options("expiry-time=\"203001021530Z\"").ExpiryTime, Is.EqualTo(new DateTimeOffset(2030, 1, 2, 15, 30, 0, TimeSpan.Zero)));
            Assert.That(Options("expiry-time=\"20300102153045Z\"").ExpiryTime, Is.EqualTo(new DateTimeOffset(2030, 1, 2, 15, 30, 45, TimeSpan.Zero)));
            var local = Options("expiry-time=\"20300102\"").ExpiryTime!.Value;
            Assert.That(local.DateTime, Is.EqualTo(new DateTime(2030, 1, 2)));
            Assert.That(Options("expiry-time=\"20300102Z\"").IsExpired(new DateTimeOffset(2030, 1, 2, 0, 0, 0, TimeSpan.Zero)), Is.True);
            Assert.That(Options("expiry-time=\"20300102Z\"").IsExpired(new DateTimeOffset(2030, 1, 1, 23, 59, 59, TimeSpan.Zero)), Is.False);
        });
    }

    [TestCase("expiry-time=\"2030\"")]
    [TestCase("expiry-time=\"20301340\"")]
    [TestCase("expiry-time=\"2030010x\"")]
    public void Parse_BadExpiry_Error(string option) =>
        Assert.That(Error(option + " " + KeyText)!.Message, Does.StartWith("line 1: expiry-time"));

    [Test]
    public void Parse_CertAuthorityWithPrincipals_BothRecorded()
    {
        var o = Options("cert-authority,principals=\"alice, ops\"");
        Assert.Multiple(() =>
        {
            Assert.That(o.CertAuthority, Is.True);
            Assert.That(o.Principals, Is.EqualTo((string[])["alice", "ops"]));
        });
    }

    [Test]
    public void Parse_PrincipalsWithoutCertAuthority_Error() =>
        Assert.That(Error("principals=\"a\" " + KeyText)!.Message, Does.Contain("only valid with cert-authority"));

    [Test]
    public void Parse_QuotedValuesWithSpacesAndEscapedQuotes_Unescaped()
    {
        var o = Options("command=\"echo \\\"hi there\\\" \\\\n\",environment=\"A=b c\",no-pty,no-agent-forwarding,no-X11-forwarding,no-user-rc");
        Assert.Multiple(() =>
        {
            Assert.That(o.Command, Is.EqualTo("echo \"hi there\" \\\\n"));
            Assert.That(o.Environment, Is.EqualTo((string[])["A=b c"]));
            Assert.That(o.AllowPty, Is.False);
            Assert.That(o.AllowAgentForwarding, Is.False);
            Assert.That(o.AllowX11Forwarding, Is.False);
            Assert.That(o.AllowUserRc, Is.False);
            Assert.That(o.AllowPortForwarding, Is.True);
        });
    }

    [Test]
    public void Parse_UnknownOption_ErrorWithLineNumber()
    {
        var e = Error(KeyText + "\n\n" + "tunnel=\"0\" " + KeyText);
        Assert.Multiple(() =>
        {
            Assert.That(e!.LineNumber, Is.EqualTo(3));
            Assert.That(e.Message, Is.EqualTo("line 3: unknown option 'tunnel'"));
        });
    }

    [TestCase("command=\"unterminated " + "x", "unterminated quote")]
    [TestCase("command=unquoted", "double quotes")]
    [TestCase("restrict=\"x\"", "takes no value")]
    [TestCase("permitopen", "needs a quoted value")]
    [TestCase("from=\"1.2.3.4\",from=\"5.6.7.8\"", "given twice")]
    [TestCase("no-pty,,restrict", "empty option name")]
    [TestCase("environment=\"NOEQUALS\"", "NAME=value")]
    public void Parse_MalformedOptions_Error(string options, string expected) =>
        Assert.That(Error(options + " " + KeyText)!.Message, Does.StartWith("line 1: ").And.Contains(expected));

    [Test]
    public void Parse_OptionsWithoutKey_Error() =>
        Assert.That(Error("restrict")!.Message, Does.Contain("not followed by a key"));

    [Test]
    public void Parse_KeyTypeWithoutData_Error() =>
        Assert.That(Error("ssh-ed25519")!.Message, Does.Contain("has no key data"));

    [Test]
    public void Parse_BadBase64_ErrorWithLine() =>
        Assert.That(Error("# x\nssh-ed25519 AAAA%%%% c")!.Message, Does.StartWith("line 2:").And.Contains("base64"));

    [Test]
    public void Parse_UnsupportedKeyType_SkippedWithWarning()
    {
        var file = AuthorizedKeysFile.Parse("ssh-dss AAAAB3NzaC1kc3MAAACBAP c\n" + KeyText);
        Assert.Multiple(() =>
        {
            Assert.That(file.Entries, Has.Count.EqualTo(1));
            Assert.That(file.Warnings, Has.Count.EqualTo(1));
            Assert.That(file.Warnings[0], Does.StartWith("line 1: unsupported key type ssh-dss"));
        });
    }

    [Test]
    public void Parse_SshKeygenPublicKeys_AllTypesAccepted()
    {
        using var dir = new TempDir();
        var lines = new List<string>();
        foreach (var (type, bits) in new (string, int?)[] { ("ed25519", null), ("ecdsa", 256), ("ecdsa", 384), ("ecdsa", 521), ("rsa", 2048) })
        {
            var path = SshKeygen.Generate(dir.Path, type + bits, type, bits);
            lines.Add("restrict,permitopen=\"a:1\" " + File.ReadAllText(path + ".pub").Trim());
        }
        var file = AuthorizedKeysFile.Parse(string.Join('\n', lines));
        Assert.That(file.Entries, Has.Count.EqualTo(5));
    }
}
