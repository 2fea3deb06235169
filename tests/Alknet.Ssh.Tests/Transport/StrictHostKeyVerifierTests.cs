using Alknet.Ssh.Auth;
using Alknet.Ssh.Keys;
using Alknet.Ssh.Tests.Keys;
using Alknet.Ssh.Tests.Session;
using Alknet.Ssh.Transport;
using NUnit.Framework;

namespace Alknet.Ssh.Tests.Transport;

/// <summary>
/// StrictHostKeyChecking=yes and accept-new against a known_hosts file on disk: what is accepted, what is written
/// (and with which modes), and what a refusal tells the user.
/// </summary>
[TestFixture]
[System.Runtime.Versioning.SupportedOSPlatform("linux")] // file modes are checked
public sealed class StrictHostKeyVerifierTests
{
    private static SshPublicKey Host => SessionHarness.Key("ed25519").PublicKey;
    private static SshPublicKey Other => SessionHarness.Key("ed25519", 7).PublicKey;
    private static SshPublicKey OtherEcdsa => SessionHarness.Key("ecdsa256", 7).PublicKey;

    private static string Line(string name, SshPublicKey key) => name + " " + key.ToOpenSshLine() + "\n";

    [Test]
    public async Task Verify_YesAndKnownKey_Accepts()
    {
        using var dir = new TempDir();
        var path = dir.File("known_hosts");
        File.WriteAllText(path, Line("[server.example]:2222", Host));
        var verifier = new StrictHostKeyVerifier(path, "server.example", 2222, StrictHostKeyChecking.Yes);

        Assert.That(await verifier.VerifyAsync(Host, CancellationToken.None), Is.True);
        Assert.Multiple(() =>
        {
            Assert.That(verifier.LastRefusal, Is.Null);
            Assert.That(verifier.LastKeyAdded, Is.False);
        });
    }

    [Test]
    public async Task Verify_YesAndUnknownHost_RefusesAndWritesNothing()
    {
        using var dir = new TempDir();
        var path = dir.File("known_hosts");
        var verifier = new StrictHostKeyVerifier(path, "server.example", 2222, StrictHostKeyChecking.Yes);

        Assert.That(await verifier.VerifyAsync(Host, CancellationToken.None), Is.False);
        Assert.Multiple(() =>
        {
            Assert.That(File.Exists(path), Is.False, "StrictHostKeyChecking=yes never writes known_hosts");
            Assert.That(verifier.LastRefusal, Is.EqualTo(new HostKeyRefusal(HostKeyRefusalReason.UnknownHost,
                "[server.example]:2222", "ssh-ed25519", Host.Fingerprint, path)));
        });
    }

    [Test]
    public async Task Verify_AcceptNewAndNoDirectory_CreatesDirectory0700AndFile0600ThenMatches()
    {
        using var dir = new TempDir();
        var path = Path.Combine(dir.Path, ".ssh", "known_hosts");
        var verifier = new StrictHostKeyVerifier(path, "Server.Example", 2222, StrictHostKeyChecking.AcceptNew);

        Assert.That(await verifier.VerifyAsync(Host, CancellationToken.None), Is.True);

        var strict = new StrictHostKeyVerifier(path, "server.example", 2222, StrictHostKeyChecking.Yes);
        Assert.Multiple(async () =>
        {
            Assert.That(verifier.LastKeyAdded, Is.True);
            Assert.That(File.GetUnixFileMode(Path.GetDirectoryName(path)!), Is.EqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute));
            Assert.That(File.GetUnixFileMode(path), Is.EqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite));
            Assert.That(File.ReadAllText(path), Is.EqualTo("[server.example]:2222 " + Host.ToOpenSshLine() + "\n"));
            Assert.That(await strict.VerifyAsync(Host, CancellationToken.None), Is.True, "the recorded key is then known");
            Assert.That(SshKeygen.Ok("-F", "[server.example]:2222", "-f", path), Does.Contain(Host.ToOpenSshLine()), "ssh-keygen finds the entry");
        });
    }

    [Test]
    public async Task Verify_AcceptNewAndExistingFile_AppendsAndKeepsMode()
    {
        using var dir = new TempDir();
        var path = dir.File("known_hosts");
        File.WriteAllText(path, Line("first.example", Other));
        File.SetUnixFileMode(path, KeyFiles.PublicMode);
        var verifier = new StrictHostKeyVerifier(path, "server.example", 22, StrictHostKeyChecking.AcceptNew);

        Assert.That(await verifier.VerifyAsync(Host, CancellationToken.None), Is.True);
        Assert.Multiple(() =>
        {
            Assert.That(File.ReadAllText(path), Is.EqualTo(Line("first.example", Other) + Line("server.example", Host)));
            Assert.That(File.GetUnixFileMode(path), Is.EqualTo(KeyFiles.PublicMode));
        });
    }

    [TestCase(StrictHostKeyChecking.Yes)]
    [TestCase(StrictHostKeyChecking.AcceptNew)]
    public async Task Verify_ChangedKey_RefusedNamingTheConflictingLine(StrictHostKeyChecking mode)
    {
        using var dir = new TempDir();
        var path = dir.File("known_hosts");
        var text = "# comment\n" + Line("elsewhere.example", Host) + Line("server.example", Other);
        File.WriteAllText(path, text);
        var verifier = new StrictHostKeyVerifier(path, "server.example", 22, mode);

        Assert.That(await verifier.VerifyAsync(Host, CancellationToken.None), Is.False);
        Assert.Multiple(() =>
        {
            Assert.That(verifier.LastRefusal, Is.EqualTo(new HostKeyRefusal(HostKeyRefusalReason.Changed,
                "server.example", "ssh-ed25519", Host.Fingerprint, path, 3, "ssh-ed25519")));
            Assert.That(File.ReadAllText(path), Is.EqualTo(text), "a changed key is never written");
            Assert.That(verifier.LastKeyAdded, Is.False);
        });
    }

    [Test]
    public async Task Verify_HostKnownOnlyWithAnotherKeyType_RefusedAsChanged()
    {
        // What ssh does too: "Offending ECDSA key" when only an ECDSA key is known and an ed25519 key is shown.
        using var dir = new TempDir();
        var path = dir.File("known_hosts");
        File.WriteAllText(path, Line("server.example", OtherEcdsa));
        var verifier = new StrictHostKeyVerifier(path, "server.example", 22, StrictHostKeyChecking.AcceptNew);

        Assert.That(await verifier.VerifyAsync(Host, CancellationToken.None), Is.False);
        Assert.That(verifier.LastRefusal, Is.EqualTo(new HostKeyRefusal(HostKeyRefusalReason.Changed,
            "server.example", "ssh-ed25519", Host.Fingerprint, path, 1, "ecdsa-sha2-nistp256")));
    }

    [Test]
    public async Task Verify_ChangedKeyWithEntriesOfSeveralTypes_NamesTheEntryOfTheOfferedType()
    {
        using var dir = new TempDir();
        var path = dir.File("known_hosts");
        File.WriteAllText(path, Line("server.example", OtherEcdsa) + Line("server.example", Other));
        var verifier = new StrictHostKeyVerifier(path, "server.example", 22, StrictHostKeyChecking.Yes);

        Assert.That(await verifier.VerifyAsync(Host, CancellationToken.None), Is.False);
        Assert.That(verifier.LastRefusal!.ConflictingLine, Is.EqualTo(2));
    }

    [TestCase(StrictHostKeyChecking.Yes)]
    [TestCase(StrictHostKeyChecking.AcceptNew)]
    public async Task Verify_RevokedKey_RefusedNamingTheRevokedLine(StrictHostKeyChecking mode)
    {
        using var dir = new TempDir();
        var path = dir.File("known_hosts");
        File.WriteAllText(path, Line("server.example", Host) + "@revoked * " + Host.ToOpenSshLine() + "\n");
        var verifier = new StrictHostKeyVerifier(path, "server.example", 22, mode);

        Assert.That(await verifier.VerifyAsync(Host, CancellationToken.None), Is.False);
        Assert.That(verifier.LastRefusal, Is.EqualTo(new HostKeyRefusal(HostKeyRefusalReason.Revoked,
            "server.example", "ssh-ed25519", Host.Fingerprint, path, 2, "ssh-ed25519")));
    }

    [Test]
    public async Task Verify_AcceptNewAndUnwritablePath_Refused()
    {
        using var dir = new TempDir();
        var notADirectory = dir.File("plain-file");
        File.WriteAllText(notADirectory, "");
        var path = Path.Combine(notADirectory, "known_hosts");
        var verifier = new StrictHostKeyVerifier(path, "server.example", 22, StrictHostKeyChecking.AcceptNew);

        Assert.That(await verifier.VerifyAsync(Host, CancellationToken.None), Is.False);
        Assert.Multiple(() =>
        {
            Assert.That(verifier.LastRefusal!.Reason, Is.EqualTo(HostKeyRefusalReason.KnownHostsUnwritable));
            Assert.That(verifier.LastRefusal.Detail, Is.Not.Empty);
            Assert.That(verifier.LastKeyAdded, Is.False);
        });
    }

    [Test]
    public async Task Verify_AcceptedAfterRefusal_ClearsLastRefusal()
    {
        using var dir = new TempDir();
        var path = dir.File("known_hosts");
        var verifier = new StrictHostKeyVerifier(path, "server.example", 22, StrictHostKeyChecking.Yes);
        Assert.That(await verifier.VerifyAsync(Host, CancellationToken.None), Is.False);

        File.WriteAllText(path, Line("server.example", Host));

        Assert.That(await verifier.VerifyAsync(Host, CancellationToken.None), Is.True, "the file is read on every check");
        Assert.That(verifier.LastRefusal, Is.Null);
    }

    [Test]
    public void Describe_Changed_NamesHostKeyFingerprintAndLine()
    {
        var refusal = new HostKeyRefusal(HostKeyRefusalReason.Changed, "[server.example]:2222", "ssh-ed25519", "SHA256:abc",
            "/home/u/.ssh/known_hosts", 7, "ecdsa-sha2-nistp256");

        Assert.That(refusal.Describe(), Is.EqualTo(
            "WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED for [server.example]:2222!" + Environment.NewLine +
            "Someone could be eavesdropping on you right now (man-in-the-middle attack), or the host key has just been changed." + Environment.NewLine +
            "The server offered a ssh-ed25519 key with fingerprint SHA256:abc." + Environment.NewLine +
            "Offending ecdsa-sha2-nistp256 key in /home/u/.ssh/known_hosts:7." + Environment.NewLine +
            "If the change is expected, remove the old entry with: ssh-keygen -f '/home/u/.ssh/known_hosts' -R '[server.example]:2222'" + Environment.NewLine +
            "Host key verification failed: a changed key is refused, with or without --accept-new."));
    }

    [Test]
    public void Describe_UnknownHost_NamesHostKeyAndFingerprint()
    {
        var refusal = new HostKeyRefusal(HostKeyRefusalReason.UnknownHost, "server.example", "ssh-ed25519", "SHA256:abc", "/k");

        Assert.That(refusal.Describe(), Is.EqualTo(
            "Host key verification failed: no host key is known for server.example in /k." + Environment.NewLine +
            "The server offered a ssh-ed25519 key with fingerprint SHA256:abc." + Environment.NewLine +
            "Check that fingerprint with the server's administrator, then connect once with --accept-new to record it."));
    }

    [Test]
    public async Task Handshake_ChangedKey_DisconnectsHostKeyNotVerifiableWithRefusal()
    {
        using var dir = new TempDir();
        var path = dir.File("known_hosts");
        File.WriteAllText(path, Line("server.example", Other));
        var user = SessionHarness.Key("ed25519", 1);
        var (c, s) = SessionHarness.CreatePipePair();
        var serverTask = SshServer.AcceptAsync(s, SessionHarness.Server(new BlobAuthorizer("alice", user.PublicKey)), new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, 40000));
        var verifier = new StrictHostKeyVerifier(path, "server.example", 22, StrictHostKeyChecking.AcceptNew);
        var options = new SshClientOptions { User = "alice", Identities = [new SshClientIdentity(user)], HostKeyVerifier = verifier };

        var ex = Assert.ThrowsAsync<SshProtocolException>(async () => await SshClient.ConnectAsync(c, options));

        Assert.Multiple(() =>
        {
            Assert.That(ex!.Reason, Is.EqualTo(SshDisconnectReason.HostKeyNotVerifiable));
            Assert.That(verifier.LastRefusal!.Reason, Is.EqualTo(HostKeyRefusalReason.Changed));
            Assert.That(verifier.LastRefusal.Fingerprint, Is.EqualTo(Host.Fingerprint));
        });
        Assert.That(Assert.ThrowsAsync<SshDisconnectedException>(async () => await serverTask)!.Reason, Is.EqualTo(SshDisconnectReason.HostKeyNotVerifiable));
    }
}
