using System.Diagnostics;
using Alknet.Cli.Tunnel;
using Alknet.Interop.Tests.Peers;
using Alknet.Ssh;
using Alknet.Ssh.Auth;
using Alknet.Ssh.Keys;
using Alknet.Ssh.Transport;

namespace Alknet.Interop.Tests.Tunnel;

/// <summary>
/// alknet connect's host key handling against OpenSSH: a known_hosts entry our accept-new writes is one ssh accepts
/// with StrictHostKeyChecking=yes, an entry ssh's accept-new writes is one we accept, and asking first for the key
/// types known_hosts holds is what lets a server known only by its ECDSA key be verified.
/// </summary>
[TestFixture]
public sealed class ConnectHostKeyInteropTests
{
    private Sshd? _sshd;
    private string _dir = null!;

    [OneTimeSetUp]
    public async Task Start()
    {
        _sshd = await Sshd.StartAsync();
        _dir = Directory.CreateTempSubdirectory("alknet-hostkeys-").FullName;
    }

    [OneTimeTearDown]
    public async Task Stop()
    {
        if (_sshd is not null) await _sshd.DisposeAsync();
        Directory.Delete(_dir, recursive: true);
    }

    private TunnelSettings Settings(string knownHosts, StrictHostKeyChecking mode, bool preferKnown = true) => new()
    {
        ServerHost = "127.0.0.1",
        ServerPort = (ushort)_sshd!.Port,
        User = Sshd.UserName,
        IdentityPath = _sshd.ClientKeyPath,
        KnownHostsPath = knownHosts,
        HostKeyChecking = mode,
        PreferKnownHostKeyAlgorithms = preferKnown,
        ConnectTimeout = TimeSpan.FromSeconds(20),
    };

    /// <summary>One connection attempt as the tunnel runner makes it, up to an authenticated session.</summary>
    private static async Task<(bool Ok, StrictHostKeyVerifier Verifier)> ConnectAsync(TunnelSettings settings)
    {
        var verifier = settings.CreateHostKeyVerifier();
        using var key = SshPrivateKey.Load(settings.IdentityPath);
        var options = await settings.CreateClientOptionsAsync(new SshClientIdentity(key), verifier, CancellationToken.None);
        await using var connection = await settings.CreateServerConnector().ConnectAsync(settings.ServerHost, settings.ServerPort, CancellationToken.None);
        try
        {
            await using var session = await SshClient.ConnectAsync(connection, options);
            await session.DisconnectAsync(SshDisconnectReason.ByApplication, "test done", CancellationToken.None);
            return (true, verifier);
        }
        catch (SshProtocolException e) when (e.Reason == SshDisconnectReason.HostKeyNotVerifiable)
        {
            return (false, verifier);
        }
    }

    private async Task<(int Code, string StdErr)> RunSshAsync(string knownHosts, string strict)
    {
        var ssh = PeerBinaries.Require("ssh", "openssh-client");
        var info = new ProcessStartInfo(ssh) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in (string[])["-F", "/dev/null", "-o", "BatchMode=yes", "-o", $"StrictHostKeyChecking={strict}",
                     "-o", $"UserKnownHostsFile={knownHosts}", "-o", "GlobalKnownHostsFile=/dev/null", "-o", "IdentitiesOnly=yes",
                     "-o", "IdentityAgent=none", "-o", "UpdateHostKeys=no", "-o", "ControlPath=none",
                     "-i", _sshd!.ClientKeyPath, "-p", _sshd.Port.ToString(), "-l", Sshd.UserName, "127.0.0.1", "true"])
            info.ArgumentList.Add(a);
        using var process = Process.Start(info)!;
        var stderr = process.StandardError.ReadToEndAsync();
        _ = process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
        return (process.ExitCode, await stderr);
    }

    [Test]
    public async Task AcceptNew_UnknownServer_RecordsEntryThatSshAcceptsStrictly()
    {
        var knownHosts = Path.Combine(_dir, "ours", ".ssh", "known_hosts");

        var (ok, verifier) = await ConnectAsync(Settings(knownHosts, StrictHostKeyChecking.AcceptNew));

        Assert.Multiple(() =>
        {
            Assert.That(ok, Is.True, verifier.LastRefusal?.Describe() + _sshd!.Process.LogTail());
            Assert.That(verifier.LastKeyAdded, Is.True);
        });
        var (code, stderr) = await RunSshAsync(knownHosts, "yes");
        Assert.That(code, Is.Zero, "ssh -o StrictHostKeyChecking=yes must accept the entry we wrote: " + stderr);
        var again = await ConnectAsync(Settings(knownHosts, StrictHostKeyChecking.Yes));
        Assert.That(again.Ok, Is.True, "the recorded key is known from then on");
    }

    [Test]
    public async Task Yes_EntryWrittenBySshAcceptNew_Accepted()
    {
        var knownHosts = Path.Combine(_dir, $"by-ssh-{Guid.NewGuid():N}");
        var (code, stderr) = await RunSshAsync(knownHosts, "accept-new");
        Assert.That(code, Is.Zero, stderr);

        var (ok, verifier) = await ConnectAsync(Settings(knownHosts, StrictHostKeyChecking.Yes));

        Assert.That(ok, Is.True, verifier.LastRefusal?.Describe());
    }

    [Test]
    public async Task Yes_UnknownServer_RefusedAndNothingWritten()
    {
        var knownHosts = Path.Combine(_dir, $"empty-{Guid.NewGuid():N}");

        var (ok, verifier) = await ConnectAsync(Settings(knownHosts, StrictHostKeyChecking.Yes));

        Assert.Multiple(() =>
        {
            Assert.That(ok, Is.False);
            Assert.That(verifier.LastRefusal!.Reason, Is.EqualTo(HostKeyRefusalReason.UnknownHost));
            Assert.That(verifier.LastRefusal.HostName, Is.EqualTo($"[127.0.0.1]:{_sshd!.Port}"));
            Assert.That(File.Exists(knownHosts), Is.False);
        });
    }

    [Test]
    public async Task AcceptNew_ChangedKey_RefusedNamingTheLine()
    {
        var knownHosts = Path.Combine(_dir, $"changed-{Guid.NewGuid():N}");
        using var impostor = SshPrivateKey.Generate("ed25519");
        File.WriteAllText(knownHosts, $"# first line\n[127.0.0.1]:{_sshd!.Port} {impostor.PublicKey.ToOpenSshLine()}\n");

        var (ok, verifier) = await ConnectAsync(Settings(knownHosts, StrictHostKeyChecking.AcceptNew));

        Assert.Multiple(() =>
        {
            Assert.That(ok, Is.False);
            Assert.That(verifier.LastRefusal!.Reason, Is.EqualTo(HostKeyRefusalReason.Changed));
            Assert.That(verifier.LastRefusal.ConflictingLine, Is.EqualTo(2));
            Assert.That(verifier.LastRefusal.KeyType, Is.EqualTo("ssh-ed25519"));
            Assert.That(verifier.LastRefusal.Describe(), Does.Contain("REMOTE HOST IDENTIFICATION HAS CHANGED"));
        });
    }

    [Test]
    public async Task Yes_ServerKnownOnlyByEcdsaKey_AcceptedBecauseEcdsaIsAskedFirst()
    {
        var knownHosts = Path.Combine(_dir, $"ecdsa-only-{Guid.NewGuid():N}");
        File.WriteAllLines(knownHosts, File.ReadAllLines(_sshd!.KnownHostsPath).Where(l => l.Split(' ')[1] == "ecdsa-sha2-nistp256"));

        var ordered = await ConnectAsync(Settings(knownHosts, StrictHostKeyChecking.Yes));
        var unordered = await ConnectAsync(Settings(knownHosts, StrictHostKeyChecking.Yes, preferKnown: false));

        Assert.Multiple(() =>
        {
            Assert.That(ordered.Ok, Is.True, ordered.Verifier.LastRefusal?.Describe());
            Assert.That(unordered.Ok, Is.False, "premise: without the known-hosts order sshd shows its ed25519 key first");
            Assert.That(unordered.Verifier.LastRefusal?.Reason, Is.EqualTo(HostKeyRefusalReason.Changed));
        });
    }
}
