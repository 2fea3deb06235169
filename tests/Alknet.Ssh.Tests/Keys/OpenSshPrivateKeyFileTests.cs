using System.Text;
using Alknet.Ssh.Keys;
using NUnit.Framework;

namespace Alknet.Ssh.Tests.Keys;

/// <summary>openssh-key-v1 files against the real ssh-keygen, in both directions.</summary>
[TestFixture]
public sealed class OpenSshPrivateKeyFileTests
{
    public static readonly object[] KeyTypes =
    [
        new object?[] { "ed25519", null },
        new object?[] { "ecdsa", 256 },
        new object?[] { "ecdsa", 384 },
        new object?[] { "ecdsa", 521 },
        new object?[] { "rsa", 2048 },
    ];

    [TestCaseSource(nameof(KeyTypes))]
    public void Load_SshKeygenUnencryptedKey_PublicKeyAndFingerprintMatch(string type, int? bits)
    {
        using var dir = new TempDir();
        var path = SshKeygen.Generate(dir.Path, "id", type, bits);
        using var key = SshPrivateKey.Load(path);
        var pubLine = File.ReadAllText(path + ".pub").Trim();
        Assert.Multiple(() =>
        {
            Assert.That(key.PublicKey.ToOpenSshLine("id@test"), Is.EqualTo(pubLine));
            Assert.That(key.PublicKey.Fingerprint, Is.EqualTo(SshKeygen.Fingerprint(path + ".pub")));
            Assert.That(key.Comment, Is.EqualTo("id@test"));
        });
    }

    [TestCaseSource(nameof(KeyTypes))]
    public void Load_SshKeygenPassphraseKey_DecryptsWithPassphrase(string type, int? bits)
    {
        using var dir = new TempDir();
        var path = SshKeygen.Generate(dir.Path, "id", type, bits, "correct horse");
        Assert.That(File.ReadAllText(path), Does.Contain("OPENSSH PRIVATE KEY"));
        using var key = SshPrivateKey.Load(path, () => "correct horse");
        Assert.That(key.PublicKey.Fingerprint, Is.EqualTo(SshKeygen.Fingerprint(path + ".pub")));
    }

    [Test]
    public void Load_SshKeygenAesGcmKey_DecryptsWithPassphrase()
    {
        using var dir = new TempDir();
        var path = SshKeygen.Generate(dir.Path, "id", "ed25519", null, "pw", "-Z", "aes256-gcm@openssh.com");
        using var key = SshPrivateKey.Load(path, () => "pw");
        Assert.That(key.PublicKey.Fingerprint, Is.EqualTo(SshKeygen.Fingerprint(path + ".pub")));
    }

    [Test]
    public void Load_AesGcmKeyWrongPassphrase_ThrowsIncorrectPassphrase()
    {
        using var dir = new TempDir();
        var path = SshKeygen.Generate(dir.Path, "id", "ed25519", null, "pw", "-Z", "aes256-gcm@openssh.com");
        Assert.That(() => SshPrivateKey.Load(path, () => "nope"),
            Throws.TypeOf<IncorrectPassphraseException>().With.Message.EqualTo("incorrect passphrase"));
    }

    [TestCase("ed25519")]
    [TestCase("rsa")]
    public void Load_WrongPassphrase_ThrowsIncorrectPassphrase(string type)
    {
        using var dir = new TempDir();
        var path = SshKeygen.Generate(dir.Path, "id", type, type == "rsa" ? 2048 : null, "right");
        Assert.That(() => SshPrivateKey.Load(path, () => "wrong"),
            Throws.TypeOf<IncorrectPassphraseException>().With.Message.EqualTo("incorrect passphrase"));
    }

    [Test]
    public void Load_EncryptedWithoutPassphraseProvider_ThrowsPassphraseRequired()
    {
        using var dir = new TempDir();
        var path = SshKeygen.Generate(dir.Path, "id", "ed25519", null, "right");
        Assert.That(() => SshPrivateKey.Load(path),
            Throws.TypeOf<SshKeyFileException>().With.Message.Contains("no passphrase was given"));
    }

    [TestCaseSource(nameof(KeyTypes))]
    public void ToOpenSshPrivateKeyFile_GeneratedKey_SshKeygenDerivesSamePublicKey(string type, int? bits)
    {
        using var dir = new TempDir();
        using var key = SshPrivateKey.Generate(type, bits);
        var path = dir.File("ours");
        KeyFiles.WriteKeyPair(path, key, "ours@test");
        var derived = SshKeygen.Ok("-y", "-f", path).Trim();
        Assert.Multiple(() =>
        {
            Assert.That(SshPublicKey.ParseOpenSshLine(derived).BlobEquals(key.PublicKey), Is.True);
            Assert.That(SshKeygen.Fingerprint(path), Is.EqualTo(key.PublicKey.Fingerprint));
            Assert.That(SshKeygen.Fingerprint(path + ".pub"), Is.EqualTo(key.PublicKey.Fingerprint));
        });
    }

    [TestCase("ed25519", null)]
    [TestCase("ecdsa", 384)]
    [TestCase("rsa", 2048)]
    public void ToOpenSshPrivateKeyFile_Encrypted_SshKeygenDecryptsIt(string type, int? bits)
    {
        using var dir = new TempDir();
        using var key = SshPrivateKey.Generate(type, bits);
        var path = dir.File("ours");
        KeyFiles.WriteKeyPair(path, key, "enc@test", "s3cret pass");
        var derived = SshKeygen.Ok("-y", "-P", "s3cret pass", "-f", path).Trim();
        var wrong = SshKeygen.Run(null, "-y", "-P", "other", "-f", path);
        Assert.Multiple(() =>
        {
            Assert.That(SshPublicKey.ParseOpenSshLine(derived).BlobEquals(key.PublicKey), Is.True);
            Assert.That(wrong.ExitCode, Is.Not.Zero);
        });
    }

    [TestCaseSource(nameof(KeyTypes))]
    public void Parse_OwnFile_RoundTripsKeyAndComment(string type, int? bits)
    {
        using var key = SshPrivateKey.Generate(type, bits);
        var text = key.ToOpenSshPrivateKeyFile("round trip");
        using var again = SshPrivateKey.Parse(text);
        var data = "payload"u8.ToArray();
        var alg = key.PublicKey.SignatureAlgorithms[0];
        Assert.Multiple(() =>
        {
            Assert.That(again.PublicKey.BlobEquals(key.PublicKey), Is.True);
            Assert.That(again.Comment, Is.EqualTo("round trip"));
            Assert.That(key.PublicKey.Verify(alg, data, again.Sign(alg, data)), Is.True);
        });
    }

    [Test]
    public void Parse_OwnEncryptedFile_NeedsThePassphrase()
    {
        using var key = SshPrivateKey.Generate("ed25519");
        var text = key.ToOpenSshPrivateKeyFile("c", "pw");
        using var again = SshPrivateKey.Parse(text, () => "pw");
        Assert.Multiple(() =>
        {
            Assert.That(again.PublicKey.BlobEquals(key.PublicKey), Is.True);
            Assert.That(() => SshPrivateKey.Parse(text, () => "px"), Throws.TypeOf<IncorrectPassphraseException>());
        });
    }

    [TestCase("rsa")]
    [TestCase("ecdsa")]
    public void Load_PemKey_RefusedWithConversionHint(string type)
    {
        using var dir = new TempDir();
        var path = SshKeygen.Generate(dir.Path, "pem", type, type == "rsa" ? 2048 : null, "", "-m", "PEM");
        Assert.That(File.ReadAllText(path), Does.Not.Contain("OPENSSH"));
        Assert.That(() => SshPrivateKey.Load(path),
            Throws.TypeOf<SshKeyFileException>().With.Message.Contains("ssh-keygen -p -f KEY"));
    }

    [Test]
    public void Parse_Pkcs8Key_RefusedWithConversionHint()
    {
        using var rsa = System.Security.Cryptography.RSA.Create(2048);
        var pem = rsa.ExportPkcs8PrivateKeyPem();
        Assert.That(() => SshPrivateKey.Parse(pem),
            Throws.TypeOf<SshKeyFileException>().With.Message.Contains("PRIVATE KEY").And.Message.Contains("ssh-keygen -p -f KEY"));
    }

    [Test]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public void WriteKeyPair_NewFiles_HaveOwnerOnlyAndWorldReadableModes()
    {
        using var dir = new TempDir();
        using var key = SshPrivateKey.Generate("ed25519");
        var path = dir.File("k");
        KeyFiles.WriteKeyPair(path, key, "c");
        Assert.Multiple(() =>
        {
            Assert.That(File.GetUnixFileMode(path), Is.EqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite));
            Assert.That(File.GetUnixFileMode(path + ".pub"),
                Is.EqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead));
            Assert.That(() => KeyFiles.WriteKeyPair(path, key, "c"), Throws.InstanceOf<IOException>());
        });
    }

    [Test]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public void CheckPrivateKeyPermissions_GroupReadable_ReportsTooOpen()
    {
        using var dir = new TempDir();
        using var key = SshPrivateKey.Generate("ed25519");
        var path = dir.File("k");
        KeyFiles.WriteKeyPair(path, key, "c");
        Assert.That(KeyFiles.CheckPrivateKeyPermissions(path), Is.Null);
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead);
        Assert.That(KeyFiles.CheckPrivateKeyPermissions(path), Does.StartWith("permissions 0640 for").And.Contains("too open"));
    }

    // Tampering with the decoded file body: each damage gets its own message.
    private static string Rewrap(byte[] body)
    {
        var b64 = Convert.ToBase64String(body);
        var sb = new StringBuilder("-----BEGIN OPENSSH PRIVATE KEY-----\n");
        for (int i = 0; i < b64.Length; i += 70) sb.Append(b64, i, Math.Min(70, b64.Length - i)).Append('\n');
        return sb.Append("-----END OPENSSH PRIVATE KEY-----\n").ToString();
    }

    private static byte[] Body(string text)
    {
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        return Convert.FromBase64String(string.Concat(lines[1..^1]));
    }

    [Test]
    public void Parse_BadPadding_Rejected()
    {
        using var key = SshPrivateKey.Generate("ed25519");
        var body = Body(key.ToOpenSshPrivateKeyFile("x"));
        // The unencrypted section ends with padding 1,2,3…; the last byte is the highest pad value.
        body[^1] ^= 0x40;
        Assert.That(() => SshPrivateKey.Parse(Rewrap(body)),
            Throws.TypeOf<SshKeyFileException>().With.Message.Contains("padding"));
    }

    [Test]
    public void Parse_CheckIntsDiffer_Rejected()
    {
        using var key = SshPrivateKey.Generate("ed25519");
        var text = key.ToOpenSshPrivateKeyFile("x");
        var body = Body(text);
        // The section starts right after the public key: find it through our own parser's layout.
        int sectionStart = FindSection(body);
        body[sectionStart] ^= 1;
        Assert.That(() => SshPrivateKey.Parse(Rewrap(body)),
            Throws.TypeOf<SshKeyFileException>().With.Message.Contains("check integers differ"));
    }

    [Test]
    public void Parse_BadMagic_Rejected()
    {
        using var key = SshPrivateKey.Generate("ed25519");
        var body = Body(key.ToOpenSshPrivateKeyFile("x"));
        body[0] = (byte)'X';
        Assert.That(() => SshPrivateKey.Parse(Rewrap(body)),
            Throws.TypeOf<SshKeyFileException>().With.Message.Contains("bad magic"));
    }

    [Test]
    public void Parse_EveryTruncation_ThrowsKeyFileException()
    {
        using var key = SshPrivateKey.Generate("ecdsa");
        var body = Body(key.ToOpenSshPrivateKeyFile("x"));
        for (int len = 0; len < body.Length; len++)
        {
            var cut = body[..len];
            Assert.That(() => SshPrivateKey.Parse(Rewrap(cut)), Throws.InstanceOf<SshKeyFileException>(), "length " + len);
        }
    }

    [Test]
    public void Parse_NotAKeyFile_Rejected() =>
        Assert.That(() => SshPrivateKey.Parse("hello"), Throws.TypeOf<SshKeyFileException>().With.Message.Contains("not an OpenSSH private key"));

    private static int FindSection(byte[] body)
    {
        int p = 15; // "openssh-key-v1\0"
        for (int i = 0; i < 3; i++) p += 4 + ReadLen(body, p); // cipher, kdf, kdf options
        p += 4; // key count
        p += 4 + ReadLen(body, p); // public key
        return p + 4; // past the section's length
    }

    private static int ReadLen(byte[] b, int p) => (b[p] << 24) | (b[p + 1] << 16) | (b[p + 2] << 8) | b[p + 3];
}
