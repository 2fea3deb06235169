using Alknet.Ssh.Auth;
using Alknet.Ssh.Keys;
using Alknet.Ssh.Tests.Keys;
using Alknet.Ssh.Tests.Session;
using NUnit.Framework;

namespace Alknet.Ssh.Tests.Auth;

/// <summary>User certificates made by ssh-keygen -s, presented by the client and validated by the real authorizer.</summary>
[TestFixture]
public sealed class CertificateAuthTests
{
    [TestCase("ed25519", null)]
    [TestCase("ecdsa", 256)]
    [TestCase("rsa", 2048)]
    public async Task Connect_UserCertificateFromTrustedCa_Authenticates(string type, int? bits)
    {
        using var dir = new TempDir();
        var ca = SshKeygen.Generate(dir.Path, "ca", "ed25519");
        var user = SshKeygen.Generate(dir.Path, "user", type, bits);
        SshKeygen.Ok("-q", "-s", ca, "-I", "test-id", "-n", "alice", "-V", "-5m:+1h", user + ".pub");
        var cert = (SshCertificate)SshPublicKey.Load(user + "-cert.pub");
        var authorizer = new PublicKeyUserAuthorizer(new PublicKeyAuthorizer(AuthorizedKeysFile.Parse(""),
            PublicKeyAuthorizer.ParseCaKeys(File.ReadAllText(ca + ".pub"))));

        var clientOptions = new SshClientOptions
        {
            User = "alice",
            Identities = [new SshClientIdentity(SshPrivateKey.Load(user), cert)],
            HostKeyVerifier = new Alknet.Ssh.Transport.AcceptAnyHostKeyVerifier(),
        };
        var (client, server) = await SessionHarness.ConnectAsync(clientOptions, SessionHarness.Server(authorizer));
        await using (client)
        await using (server)
        {
            Assert.That(server.UserKey, Is.InstanceOf<SshCertificate>());
            Assert.That(server.UserKey.BlobEquals(cert), Is.True);
        }
    }

    [Test]
    public void Connect_CertificateForOtherPrincipal_NoMoreAuthMethods()
    {
        using var dir = new TempDir();
        var ca = SshKeygen.Generate(dir.Path, "ca", "ed25519");
        var user = SshKeygen.Generate(dir.Path, "user", "ed25519");
        SshKeygen.Ok("-q", "-s", ca, "-I", "test-id", "-n", "bob", "-V", "-5m:+1h", user + ".pub");
        var cert = (SshCertificate)SshPublicKey.Load(user + "-cert.pub");
        var authorizer = new PublicKeyUserAuthorizer(new PublicKeyAuthorizer(AuthorizedKeysFile.Parse(""),
            PublicKeyAuthorizer.ParseCaKeys(File.ReadAllText(ca + ".pub"))));
        var clientOptions = new SshClientOptions
        {
            User = "alice",
            Identities = [new SshClientIdentity(SshPrivateKey.Load(user), cert)],
            HostKeyVerifier = new Alknet.Ssh.Transport.AcceptAnyHostKeyVerifier(),
        };
        var ex = Assert.ThrowsAsync<SshProtocolException>(async () => await SessionHarness.ConnectAsync(clientOptions, SessionHarness.Server(authorizer)));
        Assert.That(ex!.Reason, Is.EqualTo(SshDisconnectReason.NoMoreAuthMethodsAvailable));
    }
}
