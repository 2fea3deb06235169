using System.Text.RegularExpressions;
using Alknet.Interop.Tests.Peers;

namespace Alknet.Interop.Tests.Ssh;

/// <summary>
/// OpenSSH's ssh authenticating to <c>alknet serve</c> (run as a process, as an operator runs it) across the
/// algorithm matrix, with user keys of each type and with certificates, and being refused where it must be.
/// </summary>
/// <remarks>
/// One server serves the whole fixture. The matrix runs start together in the fixture set-up, a few at a time
/// (each holds its session until the first rekey is done), and every test then checks its own run's log. Each
/// run forces one algorithm, sets a one-second rekey interval and a one-second keepalive: a run passes when ssh
/// authenticated under strict KEX, rekeyed, and got the server's answer to a keepalive under the new keys.
/// </remarks>
[TestFixture]
public sealed class OpenSshClientToServeTests
{
    private const int ConcurrentRuns = 6;

    private static readonly TimeSpan RunLimit = TimeSpan.FromSeconds(30);

    private readonly Dictionary<string, Task<OpenSshRun>> _runs = [];
    private readonly SemaphoreSlim _gate = new(ConcurrentRuns);
    private SshKeySet? _keys;
    private AlknetProcess? _serve;
    private string _knownHosts = "";
    private int _port;

    public static readonly string[] KexAlgorithms =
    [
        "curve25519-sha256", "curve25519-sha256@libssh.org", "ecdh-sha2-nistp256", "ecdh-sha2-nistp384",
        "ecdh-sha2-nistp521", "diffie-hellman-group14-sha256",
    ];

    public static readonly string[] HostKeyAlgorithms =
    [
        "ssh-ed25519", "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384", "ecdsa-sha2-nistp521", "rsa-sha2-256", "rsa-sha2-512",
    ];

    public static readonly string[] Ciphers =
    [
        "aes128-gcm@openssh.com", "aes256-gcm@openssh.com", "chacha20-poly1305@openssh.com", "aes128-ctr", "aes256-ctr",
    ];

    public static readonly string[] Macs =
    [
        "hmac-sha2-256-etm@openssh.com", "hmac-sha2-512-etm@openssh.com", "hmac-sha2-256", "hmac-sha2-512",
    ];

    public static readonly string[] UserKeyTypes = SshKeySet.UserKeyTypes;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        _keys = await SshKeySet.CreateAsync(hostKeys: true);
        _port = FreePort.Next();
        _knownHosts = _keys.WriteKnownHosts("known_hosts", _port);
        var authorizedKeys = _keys.WriteFile("authorized_keys", _keys.AuthorizedKeysText);
        List<string> args = ["serve", "--listen", $"127.0.0.1:{_port}", "--authorized-keys", authorizedKeys, "--cert-authority", _keys.CaPublicKeyPath];
        foreach (var hostKey in _keys.HostKeyPaths)
        {
            args.AddRange(["--host-key", hostKey]);
        }

        _serve = AlknetProcess.Start(args, port: _port);
        await _serve.WaitForPortAsync(_port);

        var session = _keys.SessionKeyPath;
        foreach (var kex in KexAlgorithms)
        {
            StartSessionRun("kex " + kex, session, "-o", $"KexAlgorithms={kex}");
        }

        foreach (var alg in HostKeyAlgorithms)
        {
            StartSessionRun("hostkey " + alg, session, "-o", $"HostKeyAlgorithms={alg}");
        }

        foreach (var cipher in Ciphers)
        {
            StartSessionRun("cipher " + cipher, session, "-o", $"Ciphers={cipher}");
        }

        foreach (var mac in Macs)
        {
            StartSessionRun("mac " + mac, session, "-o", "Ciphers=aes128-ctr", "-o", $"MACs={mac}");
        }

        foreach (var type in UserKeyTypes)
        {
            StartSessionRun("user " + type, _keys.UserKeyPath(type));
        }

        StartSessionRun("certificate", _keys.CertifiedKeyPath);
        StartRefusedRun("stranger", _keys.StrangerKeyPath);
        StartRefusedRun("expired", _keys.ExpiredCertKeyPath);
        StartRefusedRun("other principal", _keys.OtherPrincipalCertKeyPath);
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        // Every run ends by itself (bounded); waiting for them leaves no ssh behind.
        foreach (var run in _runs.Values)
        {
            try
            {
                await run;
            }
            catch (Exception)
            {
                // Reported by the test that owns the run.
            }
        }

        if (_serve is not null)
        {
            await _serve.DisposeAsync();
        }

        _keys?.Dispose();
        _gate.Dispose();
    }

    [TestCaseSource(nameof(KexAlgorithms))]
    public async Task Serve_OpenSshForcesKex_AuthenticatesAndRekeysUnderStrictKex(string kex)
    {
        var run = await _runs["kex " + kex];

        AssertAuthenticatedAndRekeyed(run);
        Assert.That(run.Kex, Is.EqualTo(kex), run.Tail());
    }

    [TestCaseSource(nameof(HostKeyAlgorithms))]
    public async Task Serve_OpenSshForcesHostKeyAlgorithm_VerifiesHostKeyAndRekeys(string algorithm)
    {
        var run = await _runs["hostkey " + algorithm];

        AssertAuthenticatedAndRekeyed(run);
        Assert.That(run.HostKeyAlgorithm, Is.EqualTo(algorithm), run.Tail());
    }

    [TestCaseSource(nameof(Ciphers))]
    public async Task Serve_OpenSshForcesCipher_AuthenticatesAndRekeys(string cipher)
    {
        var run = await _runs["cipher " + cipher];

        AssertAuthenticatedAndRekeyed(run);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(run.CipherClientToServer, Is.EqualTo(cipher), run.Tail());
            Assert.That(run.CipherServerToClient, Is.EqualTo(cipher), run.Tail());
        }
    }

    [TestCaseSource(nameof(Macs))]
    public async Task Serve_OpenSshForcesMacWithAesCtr_AuthenticatesAndRekeys(string mac)
    {
        var run = await _runs["mac " + mac];

        AssertAuthenticatedAndRekeyed(run);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(run.CipherClientToServer, Is.EqualTo("aes128-ctr"), run.Tail());
            Assert.That(run.MacClientToServer, Is.EqualTo(mac), run.Tail());
            Assert.That(run.MacServerToClient, Is.EqualTo(mac), run.Tail());
        }
    }

    [TestCaseSource(nameof(UserKeyTypes))]
    public async Task Serve_OpenSshUserKeyOfType_AuthenticatesAndIsLoggedWithItsFingerprint(string type)
    {
        var run = await _runs["user " + type];
        var fingerprint = await SshKeygen.FingerprintAsync(_keys!.UserKeyPath(type) + ".pub");

        AssertAuthenticatedAndRekeyed(run);
        Assert.That(await AuthLinesAsync("auth accepted", fingerprint), Has.Count.EqualTo(1), AuthLog());
    }

    [Test]
    public async Task Serve_OpenSshUserCertificate_AuthenticatesAndIsLoggedWithTheCertifiedKey()
    {
        var run = await _runs["certificate"];
        var fingerprint = await SshKeygen.FingerprintAsync(_keys!.CertifiedKeyPath + "-cert.pub");

        AssertAuthenticatedAndRekeyed(run);
        Assert.That(run.Log, Does.Match(@"Server accepts key: \S+ ED25519-CERT "), run.Tail());
        Assert.That(await AuthLinesAsync("auth accepted", fingerprint), Has.Count.EqualTo(1), AuthLog());
    }

    [Test]
    public async Task Serve_KeyNotInAuthorizedKeys_RefusesAndLogsOneAuthFailedLine()
    {
        var run = await _runs["stranger"];
        var fingerprint = await SshKeygen.FingerprintAsync(_keys!.StrangerKeyPath + ".pub");

        AssertRefused(run);
        var lines = await AuthLinesAsync("auth failed", fingerprint);
        Assert.That(lines, Has.Count.EqualTo(1), AuthLog());
        Assert.That(lines[0], Does.Match($@"auth failed peer=127\.0\.0\.1:\d+ user={Regex.Escape(SshKeySet.User)} key={Regex.Escape(fingerprint)} reason=\S+"));
    }

    [Test]
    public async Task Serve_ExpiredCertificate_Refuses()
    {
        var run = await _runs["expired"];
        var fingerprint = await SshKeygen.FingerprintAsync(_keys!.ExpiredCertKeyPath + "-cert.pub");

        AssertRefused(run);
        Assert.That(await AuthLinesAsync("auth failed", fingerprint, "expired"), Has.Count.EqualTo(1), AuthLog());
    }

    [Test]
    public async Task Serve_CertificateWithoutTheUserAsPrincipal_Refuses()
    {
        var run = await _runs["other principal"];
        var fingerprint = await SshKeygen.FingerprintAsync(_keys!.OtherPrincipalCertKeyPath + "-cert.pub");

        AssertRefused(run);
        Assert.That(await AuthLinesAsync("auth failed", fingerprint, "principal"), Has.Count.EqualTo(1), AuthLog());
    }

    private static void AssertAuthenticatedAndRekeyed(OpenSshRun run)
    {
        using (Assert.EnterMultipleScope())
        {
            Assert.That(run.Authenticated, Is.True, "ssh did not authenticate\n" + run.Tail());
            Assert.That(run.StrictKex, Is.True, "ssh did not use strict KEX\n" + run.Tail());
            Assert.That(run.KexInitsSent, Is.GreaterThanOrEqualTo(2), "no rekey was started\n" + run.Tail());
            Assert.That(run.NewKeysReceived, Is.GreaterThanOrEqualTo(2), "no rekey completed\n" + run.Tail());
            Assert.That(run.AnsweredAfterRekey, Is.True, "no keepalive answered under the new keys\n" + run.Tail());
        }
    }

    private static void AssertRefused(OpenSshRun run)
    {
        using (Assert.EnterMultipleScope())
        {
            Assert.That(run.ExitCode, Is.Not.Null.And.Not.Zero, "ssh must exit with an error\n" + run.Tail());
            Assert.That(run.Authenticated, Is.False, run.Tail());
            Assert.That(run.PermissionDenied, Is.True, run.Tail());
        }
    }

    /// <summary>serve's authentication lines, for failure messages.</summary>
    private string AuthLog() =>
        "serve's auth lines:\n" + string.Join('\n', _serve!.Output.Split('\n').Where(l => l.Contains(" auth ", StringComparison.Ordinal)));

    /// <summary>
    /// serve's "auth accepted"/"auth failed" lines for <paramref name="fingerprint"/> that contain
    /// <paramref name="reasonPart"/>. serve logs through a queue and its output arrives through a pipe, so this
    /// waits (bounded) for the first such line; the session that logs them ended before the test asks.
    /// </summary>
    private async Task<List<string>> AuthLinesAsync(string kind, string fingerprint, string reasonPart = "")
    {
        var pattern = new Regex($@"{kind} peer=\S+ user=\S+ key={Regex.Escape(fingerprint)}(\s|$)");
        List<string> Lines() => _serve!.Output.Split('\n')
            .Where(l => pattern.IsMatch(l) && l.Contains(reasonPart, StringComparison.Ordinal))
            .Select(l => l.TrimEnd())
            .ToList();

        for (var i = 0; i < 100 && Lines().Count == 0; i++)
        {
            await Task.Delay(50);
        }

        return Lines();
    }

    private void StartSessionRun(string name, string identity, params string[] options) =>
        _runs[name] = RunAsync(name, identity, options, run =>
            run.PermissionDenied || (run.Authenticated && run.NewKeysReceived >= 2 && run.AnsweredAfterRekey));

    private void StartRefusedRun(string name, string identity) =>
        _runs[name] = RunAsync(name, identity, [], run => run.Authenticated);

    private async Task<OpenSshRun> RunAsync(string name, string identity, string[] options, Func<OpenSshRun, bool> done)
    {
        await _gate.WaitAsync();
        try
        {
            var log = Path.Combine(_keys!.Directory, "ssh-" + name.Replace(' ', '-').Replace('@', '_') + ".log");
            var args = OpenSshClient.BaseArguments(_knownHosts, log, _port, identity);
            args.AddRange(options);
            args.AddRange(["-o", "RekeyLimit=1K 1s", "-o", "ServerAliveInterval=1"]);
            return await OpenSshClient.RunAsync(args, log, done, RunLimit);
        }
        finally
        {
            _gate.Release();
        }
    }
}
