using System.Text;
using Alknet.Ssh.Keys;
using NUnit.Framework;

namespace Alknet.Ssh.Tests.Keys;

/// <summary>Signatures exchanged with ssh-keygen -Y (SSHSIG wrapper around the SSH signature blob).</summary>
[TestFixture]
public sealed class SignatureInteropTests
{
    private const string Namespace = "file";

    public static readonly object[] KeyTypes =
    [
        new object?[] { "ed25519", null },
        new object?[] { "ecdsa", 256 },
        new object?[] { "ecdsa", 384 },
        new object?[] { "ecdsa", 521 },
        new object?[] { "rsa", 2048 },
    ];

    [TestCaseSource(nameof(KeyTypes))]
    public void Sign_OurSignature_SshKeygenVerifies(string type, int? bits)
    {
        using var dir = new TempDir();
        using var key = SshPrivateKey.Generate(type, bits);
        var message = Encoding.UTF8.GetBytes("message signed by alknet " + type);
        // SSHSIG with RSA always uses rsa-sha2-512.
        var alg = key.PublicKey.SignatureAlgorithms[0];
        var signature = key.Sign(alg, SshSig.SignedBlob(Namespace, message));
        File.WriteAllText(dir.File("msg.sig"), SshSig.Armor(key.PublicKey, Namespace, signature));
        File.WriteAllText(dir.File("allowed"), "signer@test " + key.PublicKey.ToOpenSshLine() + "\n");
        var result = SshKeygen.Run(Encoding.UTF8.GetString(message),
            "-Y", "verify", "-f", dir.File("allowed"), "-I", "signer@test", "-n", Namespace, "-s", dir.File("msg.sig"));
        Assert.That(result.ExitCode, Is.Zero, result.StdErr + result.StdOut);
    }

    [TestCaseSource(nameof(KeyTypes))]
    public void Verify_SshKeygenSignature_Accepted(string type, int? bits)
    {
        using var dir = new TempDir();
        var path = SshKeygen.Generate(dir.Path, "id", type, bits);
        var message = "message signed by ssh-keygen"u8.ToArray();
        File.WriteAllBytes(dir.File("msg"), message);
        SshKeygen.Ok("-Y", "sign", "-f", path, "-n", Namespace, dir.File("msg"));
        var (pk, ns, hash, sig) = SshSig.Read(File.ReadAllText(dir.File("msg.sig")));
        Assert.That(hash, Is.EqualTo("sha512"));
        var key = SshPublicKey.FromBlob(pk);
        Assert.That(SshSignature.TryParse(sig, out var alg, out _), Is.True);
        var blob = SshSig.SignedBlob(ns, message);
        var tampered = SshSig.SignedBlob(ns, "other message"u8.ToArray());
        Assert.Multiple(() =>
        {
            Assert.That(key.Verify(alg, blob, sig), Is.True);
            Assert.That(key.Verify(alg, tampered, sig), Is.False);
        });
    }
}
