using Alknet.Cli.Tunnel;
using Alknet.Ssh.Auth;
using Alknet.Ssh.Keys;
using Alknet.Ssh.Transport;

namespace Alknet.Cli.Tests.Tunnel;

/// <summary>The SSH client options a connection attempt is made with, from the settings and the current known_hosts.</summary>
[TestFixture]
public sealed class TunnelSettingsTests
{
    private string _dir = null!;
    private SshPrivateKey _user = null!;
    private SshPrivateKey _hostEcdsa = null!;

    [SetUp]
    public void SetUp()
    {
        _dir = Directory.CreateTempSubdirectory("alknet-cli-").FullName;
        _user = SshPrivateKey.Generate("ed25519");
        _hostEcdsa = SshPrivateKey.Generate("ecdsa", 256);
    }

    [TearDown]
    public void TearDown()
    {
        _user.Dispose();
        _hostEcdsa.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    private TunnelSettings Settings(bool preferKnown) => new()
    {
        ServerHost = "ssh.example",
        ServerPort = 2222,
        User = "deploy",
        IdentityPath = "unused",
        KnownHostsPath = Path.Combine(_dir, "known_hosts"),
        PreferKnownHostKeyAlgorithms = preferKnown,
        ConnectTimeout = TimeSpan.FromSeconds(7),
    };

    [Test]
    public async Task CreateClientOptions_HostKnownByEcdsaKey_AsksForEcdsaFirst()
    {
        var settings = Settings(preferKnown: true);
        File.WriteAllText(settings.KnownHostsPath, "[ssh.example]:2222 " + _hostEcdsa.PublicKey.ToOpenSshLine() + "\n");
        var verifier = settings.CreateHostKeyVerifier();

        var options = await settings.CreateClientOptionsAsync(new SshClientIdentity(_user), verifier, CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(options.Algorithms.HostKey[0], Is.EqualTo("ecdsa-sha2-nistp256"));
            Assert.That(options.Algorithms.HostKey, Is.EquivalentTo(SshAlgorithmNames.SupportedHostKeyAlgorithms));
            Assert.That((options.Host, options.Port, options.User), Is.EqualTo(("ssh.example", 2222, "deploy")));
            Assert.That(options.HostKeyVerifier, Is.SameAs(verifier));
            Assert.That(options.HandshakeTimeout, Is.EqualTo(TimeSpan.FromSeconds(7)));
            Assert.That(options.Identities, Has.Count.EqualTo(1));
        });
    }

    [Test]
    public async Task CreateClientOptions_ListReplacedByUser_OrderKept()
    {
        var settings = Settings(preferKnown: false);
        File.WriteAllText(settings.KnownHostsPath, "[ssh.example]:2222 " + _hostEcdsa.PublicKey.ToOpenSshLine() + "\n");

        var options = await settings.CreateClientOptionsAsync(new SshClientIdentity(_user), settings.CreateHostKeyVerifier(), CancellationToken.None);

        Assert.That(options.Algorithms.HostKey, Is.EqualTo(SshAlgorithmNames.SupportedHostKeyAlgorithms));
    }

    [Test]
    public void CreateHostKeyVerifier_ModeAndNameFromSettings()
    {
        var settings = Settings(preferKnown: true) with { HostKeyChecking = StrictHostKeyChecking.AcceptNew };

        var verifier = settings.CreateHostKeyVerifier();

        Assert.Multiple(() =>
        {
            Assert.That(verifier.Mode, Is.EqualTo(StrictHostKeyChecking.AcceptNew));
            Assert.That(verifier.HostName, Is.EqualTo("[ssh.example]:2222"));
            Assert.That(verifier.KnownHostsPath, Is.EqualTo(settings.KnownHostsPath));
        });
    }
}
