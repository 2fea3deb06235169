using Alknet.Interop.Tests.Peers;
using Alknet.Interop.Tests.Serve;
using Alknet.Interop.Tests.Socks;

namespace Alknet.Interop.Tests.Tunnel;

/// <summary>
/// OpenSSH's ssh as the tunnel client of <c>alknet serve</c>: <c>ssh -N -D</c> (curl through its SOCKS5 port),
/// <c>-L</c> and <c>-R 0:…</c> (echo through each), each once with an ed25519 key listed in authorized_keys and once
/// with a user certificate signed by the CA given to --cert-authority, whose key is in no authorized_keys.
/// </summary>
[TestFixture]
public sealed class OpenSshToServeTests
{
    private const string User = "tunnel-user";

    private Nginx _nginx = null!;
    private EchoServer _echo = null!;
    private AlknetServe _serve = null!;
    private string _knownHosts = "";
    private string _dir = "";
    private string _certKey = "";
    private string _certificate = "";

    public enum Identity
    {
        /// <summary>The serve fixture's client key, listed in authorized_keys.</summary>
        Ed25519Key,

        /// <summary>A key listed nowhere, with a user certificate from the trusted CA.</summary>
        UserCertificate,
    }

    [OneTimeSetUp]
    public async Task Start()
    {
        _dir = Directory.CreateTempSubdirectory("alknet-ssh-ca-").FullName;
        var ca = await SshKeygen.GenerateAsync(Path.Combine(_dir, "user_ca"), "ed25519");
        _certKey = await SshKeygen.GenerateAsync(Path.Combine(_dir, "cert_user"), "ed25519");
        _certificate = await SshKeygen.CertifyUserAsync(ca, _certKey, $"interop-{User}", User, "-5m:+1h");
        _nginx = await Nginx.StartAsync();
        _echo = EchoServer.Start();
        _serve = await AlknetServe.StartAsync(["--cert-authority", ca + ".pub"]);
        await _serve.WaitUntilListeningAsync();
        _knownHosts = _serve.WriteKnownHosts();
    }

    [OneTimeTearDown]
    public async Task Stop()
    {
        if (_serve is not null) await _serve.DisposeAsync();
        if (_echo is not null) await _echo.DisposeAsync();
        if (_nginx is not null) await _nginx.DisposeAsync();
        Directory.Delete(_dir, recursive: true);
    }

    private OpenSshClient StartSsh(Identity identity, params string[] forward) => identity == Identity.Ed25519Key
        ? OpenSshClient.Start(_serve.Port, _serve.ClientKeyPath, _knownHosts, User, forward)
        : OpenSshClient.Start(_serve.Port, _certKey, _knownHosts, User, forward, _certificate);

    /// <summary>The identity really was the one under test: with a certificate, ssh saw the certificate accepted.</summary>
    private static void AssertAuthenticatedWith(OpenSshClient ssh, Identity identity)
    {
        var accepted = ssh.Log.Split('\n').Where(l => l.Contains("Server accepts key: ", StringComparison.Ordinal)).ToArray();
        Assert.That(accepted, Has.Length.EqualTo(1), ssh.Tail());
        Assert.That(accepted[0], identity == Identity.UserCertificate ? Does.Contain("ED25519-CERT") : Does.Not.Contain("-CERT"));
    }

    private void AssertNoDestinationLogged() => LogAssert.NoDestination(_serve.Process, ["localhost"], [_nginx.Port, _echo.Port]);

    [TestCase(Identity.Ed25519Key)]
    [TestCase(Identity.UserCertificate)]
    public async Task SshDynamicForward_CurlBigFileByName_Sha256Matches(Identity identity)
    {
        var socksPort = FreePort.Next();
        await using var ssh = StartSsh(identity, "-D", $"127.0.0.1:{socksPort}");
        await ssh.WaitForListenerAsync(socksPort);

        var result = await Curl.FetchAsync(_nginx.Url(Nginx.BigFile, "localhost"), "--socks5-hostname", $"127.0.0.1:{socksPort}");

        Assert.That(result.ExitCode, Is.Zero, result.StdErr + ssh.Tail() + _serve.Process.LogTail());
        Assert.That(result.Sha256, Is.EqualTo(_nginx.BigFileSha256));
        AssertAuthenticatedWith(ssh, identity);
        AssertNoDestinationLogged();
    }

    [Test]
    public async Task SshDynamicForward_ThirtyTwoConcurrentEchoes_EachGetsItsOwnBytesBack()
    {
        var socksPort = FreePort.Next();
        await using var ssh = StartSsh(Identity.Ed25519Key, "-D", $"127.0.0.1:{socksPort}");
        await ssh.WaitForListenerAsync(socksPort);
        // 32 channels at once on one OpenSSH session, each with bytes of its own.
        var payloads = Enumerable.Range(0, 32).Select(i => TunnelTraffic.RandomBytes(150_000 + (i * 6007))).ToArray();

        var echoed = await Task.WhenAll(payloads.Select(async payload =>
        {
            await using var probe = await TunnelTraffic.OpenAsync(socksPort, "127.0.0.1", _echo.Port);
            return await TunnelTraffic.EchoAsync(probe.Socket, payload, halfClose: true);
        }));

        for (var i = 0; i < payloads.Length; i++)
        {
            TunnelTraffic.AssertSameBytes(payloads[i], echoed[i], $"connection {i}");
        }

        AssertNoDestinationLogged();
    }

    [TestCase(Identity.Ed25519Key)]
    [TestCase(Identity.UserCertificate)]
    public async Task SshLocalForward_EchoWithHalfClose_ReturnsEverything(Identity identity)
    {
        var listenPort = FreePort.Next();
        await using var ssh = StartSsh(identity, "-L", $"127.0.0.1:{listenPort}:127.0.0.1:{_echo.Port}");
        await ssh.WaitForListenerAsync(listenPort);
        var payload = TunnelTraffic.RandomBytes(3 * 1024 * 1024 + 1);

        using var socket = await TunnelTraffic.ConnectAsync(listenPort);
        var echoed = await TunnelTraffic.EchoAsync(socket, payload, halfClose: true);

        TunnelTraffic.AssertSameBytes(payload, echoed, "ssh -L echo");
        AssertAuthenticatedWith(ssh, identity);
        AssertNoDestinationLogged();
    }

    [TestCase(Identity.Ed25519Key)]
    [TestCase(Identity.UserCertificate)]
    public async Task SshRemoteForwardPortZero_EchoWithHalfClose_ReturnsEverything(Identity identity)
    {
        await using var ssh = StartSsh(identity, "-R", $"0:127.0.0.1:{_echo.Port}");
        var port = await ssh.WaitForAllocatedPortAsync();
        var payload = TunnelTraffic.RandomBytes(3 * 1024 * 1024 + 2);

        // serve listens on the port it allocated and opens forwarded-tcpip channels that ssh connects to the echo server.
        using var socket = await TunnelTraffic.ConnectAsync(port);
        var echoed = await TunnelTraffic.EchoAsync(socket, payload, halfClose: true);

        TunnelTraffic.AssertSameBytes(payload, echoed, "ssh -R echo");
        AssertAuthenticatedWith(ssh, identity);
        AssertNoDestinationLogged();
    }

    [Test]
    public async Task Connect_UserCertificateBesideKey_CurlThroughSocks5()
    {
        // alknet connect picks up KEY-cert.pub beside -i KEY, as ssh does.
        await using var connect = await AlknetConnect.StartAsync(_serve.Port, _certKey, _knownHosts, user: User);

        var result = await Curl.FetchAsync(_nginx.Url(Nginx.BigFile, "localhost"), "--socks5-hostname", $"127.0.0.1:{connect.SocksPort}");

        Assert.That(result.ExitCode, Is.Zero, result.StdErr + connect.Process.LogTail() + _serve.Process.LogTail());
        Assert.That(result.Sha256, Is.EqualTo(_nginx.BigFileSha256));
        LogAssert.NoDestination(connect.Process, ["localhost"], [_nginx.Port]);
        AssertNoDestinationLogged();
    }
}
