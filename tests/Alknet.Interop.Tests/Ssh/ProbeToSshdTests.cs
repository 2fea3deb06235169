using System.Text.RegularExpressions;
using Alknet.Interop.Tests.Peers;

namespace Alknet.Interop.Tests.Ssh;

/// <summary>
/// <c>alknet probe</c> (Alknet's SSH client, run as a process) authenticating to OpenSSH's sshd across the
/// algorithm matrix, with user keys of each type and with a certificate, and refusing a host key that
/// known_hosts does not vouch for.
/// </summary>
/// <remarks>
/// One sshd serves the fixture and the probes run one after another, so the part of sshd's log written during
/// a probe belongs to that probe: each test checks alknet's report and sshd's own account of the connection.
/// </remarks>
[TestFixture]
public sealed class ProbeToSshdTests
{
    private SshKeySet? _keys;
    private Sshd? _sshd;

    public static readonly string[] KexAlgorithms = OpenSshClientToServeTests.KexAlgorithms;

    public static readonly string[] HostKeyAlgorithms = OpenSshClientToServeTests.HostKeyAlgorithms;

    public static readonly string[] Ciphers = OpenSshClientToServeTests.Ciphers;

    public static readonly string[] Macs = OpenSshClientToServeTests.Macs;

    public static readonly string[] UserKeyTypes = SshKeySet.UserKeyTypes;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        _keys = await SshKeySet.CreateAsync(hostKeys: false);
        _sshd = await Sshd.StartAsync($"TrustedUserCAKeys={_keys.CaPublicKeyPath}");
        await File.AppendAllTextAsync(_sshd.AuthorizedKeysPath, _keys.AuthorizedKeysText);
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        if (_sshd is not null)
        {
            await _sshd.DisposeAsync();
        }

        _keys?.Dispose();
    }

    [TestCaseSource(nameof(KexAlgorithms))]
    public async Task Probe_ForcedKex_AuthenticatesToSshdUnderStrictKex(string kex)
    {
        var probe = await ProbeAsync(_keys!.SessionKeyPath, "--kex", kex);

        AssertAuthenticated(probe);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(probe.Field("kex"), Is.EqualTo(kex), probe.Report);
            Assert.That(probe.SshdLog, Does.Contain("kex: algorithm: " + kex + " "), probe.Report);
        }
    }

    [TestCaseSource(nameof(HostKeyAlgorithms))]
    public async Task Probe_ForcedHostKeyAlgorithm_VerifiesSshdHostKeyAgainstKnownHosts(string algorithm)
    {
        var probe = await ProbeAsync(_keys!.SessionKeyPath, "--host-key-algorithms", algorithm);

        AssertAuthenticated(probe);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(probe.Field("host key alg"), Is.EqualTo(algorithm), probe.Report);
            Assert.That(probe.StdOut, Does.Contain("(matches known_hosts)"), probe.Report);
            Assert.That(probe.SshdLog, Does.Contain("kex: host key algorithm: " + algorithm + " "), probe.Report);
        }
    }

    [TestCaseSource(nameof(Ciphers))]
    public async Task Probe_ForcedCipher_AuthenticatesToSshd(string cipher)
    {
        var probe = await ProbeAsync(_keys!.SessionKeyPath, "--ciphers", cipher);

        AssertAuthenticated(probe);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(probe.Field("cipher c->s"), Is.EqualTo(cipher), probe.Report);
            Assert.That(probe.Field("cipher s->c"), Is.EqualTo(cipher), probe.Report);
            Assert.That(probe.SshdLog, Does.Contain("kex: client->server cipher: " + cipher + " "), probe.Report);
            Assert.That(probe.SshdLog, Does.Contain("kex: server->client cipher: " + cipher + " "), probe.Report);
        }
    }

    [TestCaseSource(nameof(Macs))]
    public async Task Probe_ForcedMacWithAesCtr_AuthenticatesToSshd(string mac)
    {
        var probe = await ProbeAsync(_keys!.SessionKeyPath, "--ciphers", "aes256-ctr", "--macs", mac);

        AssertAuthenticated(probe);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(probe.StdOut, Does.Contain("cipher c->s:   aes256-ctr + " + mac + "\n"), probe.Report);
            Assert.That(probe.StdOut, Does.Contain("cipher s->c:   aes256-ctr + " + mac + "\n"), probe.Report);
            Assert.That(probe.SshdLog, Does.Contain("kex: client->server cipher: aes256-ctr MAC: " + mac + " "), probe.Report);
            Assert.That(probe.SshdLog, Does.Contain("kex: server->client cipher: aes256-ctr MAC: " + mac + " "), probe.Report);
        }
    }

    [TestCaseSource(nameof(UserKeyTypes))]
    public async Task Probe_UserKeyOfType_AuthenticatesToSshd(string type)
    {
        var key = _keys!.UserKeyPath(type);
        var fingerprint = await SshKeygen.FingerprintAsync(key + ".pub");

        var probe = await ProbeAsync(key);

        AssertAuthenticated(probe);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(probe.StdOut, Does.Contain(" " + fingerprint + "\n"), probe.Report);
            Assert.That(probe.SshdLog, Does.Match($@"Accepted publickey for {Regex.Escape(SshKeySet.User)} from 127\.0\.0\.1 port \d+ ssh2: \S+ {Regex.Escape(fingerprint)}"), probe.Report);
        }
    }

    [Test]
    public async Task Probe_UserCertificate_AuthenticatesToSshdAsTheCertifiedKey()
    {
        var fingerprint = await SshKeygen.FingerprintAsync(_keys!.CertifiedKeyPath + "-cert.pub");

        var probe = await ProbeAsync(_keys.CertifiedKeyPath);

        AssertAuthenticated(probe);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(probe.StdOut, Does.Contain(" " + fingerprint + " (certificate)"), probe.Report);
            Assert.That(probe.SshdLog, Does.Contain("ED25519-CERT " + fingerprint + " ID certified "), probe.Report);
        }
    }

    [Test]
    public async Task Probe_KnownHostsHasAnotherKeyForTheHost_ExitsNonZeroNamingHostKeyNotVerifiable()
    {
        // known_hosts vouches for [127.0.0.1]:port, but with a key sshd does not have.
        var impostor = _keys!.WriteFile("known_hosts_other", $"[127.0.0.1]:{_sshd!.Port} {SshKeygen.PublicKeyLine(_keys.StrangerKeyPath + ".pub")}\n");

        var probe = await RunProbeAsync(_keys.SessionKeyPath, impostor, expectSuccess: false, []);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(probe.ExitCode, Is.Not.Zero, probe.Report);
            Assert.That(probe.StdErr, Does.Contain("host key not verifiable"), probe.Report);
            Assert.That(probe.StdErr, Does.Contain("does not match known_hosts"), probe.Report);
            Assert.That(probe.StdOut, Does.Not.Contain("authenticated:"), probe.Report);
        }
    }

    private static void AssertAuthenticated(ProbeRun probe)
    {
        using (Assert.EnterMultipleScope())
        {
            Assert.That(probe.ExitCode, Is.Zero, probe.Report);
            Assert.That(probe.Field("strict kex"), Is.EqualTo("yes"), probe.Report);
            Assert.That(probe.Field("authenticated"), Is.EqualTo(SshKeySet.User), probe.Report);
            Assert.That(probe.SshdLog, Does.Contain("will use strict KEX ordering"), "sshd did not use strict KEX\n" + probe.Report);
            Assert.That(probe.SshdLog, Does.Contain("Accepted publickey for " + SshKeySet.User + " "), probe.Report);
        }
    }

    /// <summary>
    /// Runs <c>alknet probe</c> against the fixture's sshd and collects what sshd logged meanwhile. After a
    /// successful probe, sshd's "Accepted publickey" line may still be on its way through the pipe: wait for it
    /// (bounded) so the log slice is complete.
    /// </summary>
    private Task<ProbeRun> ProbeAsync(string identity, params string[] algorithmFlags) =>
        RunProbeAsync(identity, null, expectSuccess: true, algorithmFlags);

    private async Task<ProbeRun> RunProbeAsync(string identity, string? knownHosts, bool expectSuccess, string[] algorithmFlags)
    {
        var sshd = _sshd!;
        var mark = sshd.Process.StdErr.Length;
        List<string> args =
        [
            "probe", "--server", $"127.0.0.1:{sshd.Port}", "--user", SshKeySet.User, "--identity", identity,
            "--known-hosts", knownHosts ?? sshd.KnownHostsPath,
        ];
        args.AddRange(algorithmFlags);
        await using var alknet = AlknetProcess.Start(args);
        var code = await alknet.WaitForExitAsync(TimeSpan.FromSeconds(30));

        string SshdSlice() => sshd.Process.StdErr[mark..];
        for (var i = 0; expectSuccess && code == 0 && i < 100 && !SshdSlice().Contains("Accepted publickey", StringComparison.Ordinal); i++)
        {
            await Task.Delay(50);
        }

        return new ProbeRun(code, alknet.StdOut, alknet.StdErr, SshdSlice());
    }

    private sealed record ProbeRun(int ExitCode, string StdOut, string StdErr, string SshdLog)
    {
        public string Report => $"--- alknet probe (exit {ExitCode}) ---\n{StdOut}{StdErr}\n--- sshd log during the probe ---\n{SshdLog}";

        /// <summary>The first word after "<paramref name="label"/>:" in probe's report.</summary>
        public string? Field(string label)
        {
            foreach (var line in StdOut.Split('\n'))
            {
                if (line.StartsWith(label + ":", StringComparison.Ordinal))
                {
                    var rest = line[(label.Length + 1)..].Trim();
                    var space = rest.IndexOf(' ', StringComparison.Ordinal);
                    return space < 0 ? rest : rest[..space];
                }
            }

            return null;
        }
    }
}
