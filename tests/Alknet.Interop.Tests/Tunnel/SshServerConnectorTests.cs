using System.Net;
using Alknet.Cli.Tunnel;
using Alknet.Engine.Dialing;
using Alknet.Engine.Socks5;
using Alknet.Interop.Tests.Peers;
using Alknet.Ssh;
using Alknet.Ssh.Auth;
using Alknet.Ssh.Keys;
using Alknet.Ssh.Transport;

namespace Alknet.Interop.Tests.Tunnel;

/// <summary>
/// The connection alknet connect runs its SSH session on, against OpenSSH's sshd: direct, through dante (SOCKS5)
/// and through tinyproxy (HTTP CONNECT). Through a proxy the server is named "localhost" while our own resolver
/// fails every lookup, so a handshake that completes proves the proxy resolved the name (SOCKS5h).
/// </summary>
[TestFixture]
public sealed class SshServerConnectorTests
{
    private Sshd? _sshd;
    private Dante? _dante;
    private Tinyproxy? _tinyproxy;
    private string _dir = null!;

    /// <summary>Any name lookup on this side is a test failure made visible: it must not happen through a proxy.</summary>
    private static readonly DialerOptions NoLocalResolution = new()
    {
        ConnectTimeout = TimeSpan.FromSeconds(20),
        HandshakeTimeout = TimeSpan.FromSeconds(20),
        Resolver = (_, _) => Task.FromResult(Array.Empty<IPAddress>()),
    };

    [OneTimeSetUp]
    public async Task Start()
    {
        _sshd = await Sshd.StartAsync();
        _dante = await Dante.StartAsync();
        _tinyproxy = await Tinyproxy.StartAsync();
        _dir = Directory.CreateTempSubdirectory("alknet-connector-").FullName;
    }

    [OneTimeTearDown]
    public async Task Stop()
    {
        if (_tinyproxy is not null) await _tinyproxy.DisposeAsync();
        if (_dante is not null) await _dante.DisposeAsync();
        if (_sshd is not null) await _sshd.DisposeAsync();
        Directory.Delete(_dir, recursive: true);
    }

    /// <summary>sshd's known_hosts with its keys listed under <paramref name="name"/> instead of 127.0.0.1.</summary>
    private string KnownHostsFor(string name, string? onlyKeyType = null)
    {
        var lines = File.ReadAllLines(_sshd!.KnownHostsPath)
            .Where(l => onlyKeyType is null || l.Split(' ')[1] == onlyKeyType)
            .Select(l => l.Replace("[127.0.0.1]", $"[{name}]", StringComparison.Ordinal));
        var path = Path.Combine(_dir, $"known_hosts-{Guid.NewGuid():N}");
        File.WriteAllLines(path, lines);
        return path;
    }

    private SshClientOptions ProbeOptions(string host, IHostKeyVerifier verifier) => new()
    {
        Host = host,
        Port = _sshd!.Port,
        User = Sshd.UserName,
        HostKeyVerifier = verifier,
        HandshakeTimeout = TimeSpan.FromSeconds(20),
    };

    private string Logs() => _sshd!.Process.LogTail() + _dante!.Process.LogTail() + _tinyproxy!.Process.LogTail();

    private async Task<SshProbeResult> ProbeAsync(UpstreamProxy? proxy, string host, DialerOptions options)
    {
        var verifier = new StrictHostKeyVerifier(KnownHostsFor(host), host, _sshd!.Port, StrictHostKeyChecking.Yes);
        var connector = new SshServerConnector(proxy, options);
        await using var connection = await connector.ConnectAsync(host, (ushort)_sshd.Port, CancellationToken.None);
        try
        {
            return await SshClient.ProbeAsync(connection, ProbeOptions(host, verifier));
        }
        finally
        {
            Assert.That(verifier.LastRefusal, Is.Null, verifier.LastRefusal?.Describe());
        }
    }

    private string[] SshdFingerprints() =>
        [.. KnownHostsFile.Load(_sshd!.KnownHostsPath).Entries.Select(e => e.Key.Fingerprint)];

    [Test]
    public async Task Connect_Direct_SshHandshakeWithSshd()
    {
        var result = await ProbeAsync(null, "127.0.0.1", new DialerOptions());

        Assert.Multiple(() =>
        {
            Assert.That(result.ServerVersion, Does.StartWith("SSH-2.0-OpenSSH"));
            Assert.That(SshdFingerprints(), Does.Contain(result.HostKeyFingerprint));
        });
    }

    [Test]
    public async Task Connect_ThroughDante_ProxyResolvesTheServerName()
    {
        var proxy = UpstreamProxy.Parse(_dante!.ProxyUrl);

        SshProbeResult result;
        try
        {
            result = await ProbeAsync(proxy, "localhost", NoLocalResolution);
        }
        catch (Exception e) when (e is SshServerUnreachableException or SshProtocolException or IOException)
        {
            Assert.Fail(e.Message + "\n" + Logs());
            throw;
        }

        Assert.Multiple(() =>
        {
            Assert.That(result.ServerVersion, Does.StartWith("SSH-2.0-OpenSSH"));
            Assert.That(SshdFingerprints(), Does.Contain(result.HostKeyFingerprint));
        });
    }

    [Test]
    public async Task Connect_ThroughTinyproxy_ProxyResolvesTheServerName()
    {
        var proxy = UpstreamProxy.Parse(_tinyproxy!.ProxyUrl);

        SshProbeResult result;
        try
        {
            result = await ProbeAsync(proxy, "localhost", NoLocalResolution);
        }
        catch (Exception e) when (e is SshServerUnreachableException or SshProtocolException or IOException)
        {
            Assert.Fail(e.Message + "\n" + Logs());
            throw;
        }

        Assert.Multiple(() =>
        {
            Assert.That(result.ServerVersion, Does.StartWith("SSH-2.0-OpenSSH"));
            Assert.That(SshdFingerprints(), Does.Contain(result.HostKeyFingerprint));
        });
    }

    [Test]
    public void Connect_DirectWithoutResolution_Unreachable()
    {
        // The premise of the two proxy tests: without the proxy, this side cannot resolve "localhost" at all.
        var connector = new SshServerConnector(null, NoLocalResolution);

        var e = Assert.ThrowsAsync<SshServerUnreachableException>(async () => await connector.ConnectAsync("localhost", (ushort)_sshd!.Port, CancellationToken.None));

        Assert.That(e!.Reply, Is.EqualTo(Socks5ReplyCode.HostUnreachable));
    }

    [Test]
    public async Task Connect_ThroughDante_AuthenticatesWithTheClientKey()
    {
        var connector = new SshServerConnector(UpstreamProxy.Parse(_dante!.ProxyUrl), NoLocalResolution);
        var verifier = new StrictHostKeyVerifier(KnownHostsFor("localhost"), "localhost", _sshd!.Port, StrictHostKeyChecking.Yes);
        using var key = SshPrivateKey.Load(_sshd.ClientKeyPath);
        var options = new SshClientOptions
        {
            Host = "localhost",
            Port = _sshd.Port,
            User = Sshd.UserName,
            Identities = [new SshClientIdentity(key)],
            HostKeyVerifier = verifier,
            HandshakeTimeout = TimeSpan.FromSeconds(20),
        };
        await using var connection = await connector.ConnectAsync("localhost", (ushort)_sshd.Port, CancellationToken.None);

        await using var session = await SshClient.ConnectAsync(connection, options);

        Assert.That(session.UserKey.BlobEquals(key.PublicKey), Is.True, Logs());
        await session.DisconnectAsync(SshDisconnectReason.ByApplication, "test done", CancellationToken.None);
    }

    [Test]
    public void Connect_ClosedPortThroughDante_UnreachableNamingServerAndProxy()
    {
        var closed = FreePort.Next();
        var proxy = UpstreamProxy.Parse(_dante!.ProxyUrl);
        var connector = new SshServerConnector(proxy, new DialerOptions());

        var e = Assert.ThrowsAsync<SshServerUnreachableException>(async () => await connector.ConnectAsync("127.0.0.1", (ushort)closed, CancellationToken.None));

        // Only the naming is asserted: dante answers 0x05 and resets the connection at once, and the reset currently
        // reaches the SOCKS5 client handshake before the reply does, so the reason comes out as a general failure.
        Assert.That(e!.Message, Does.StartWith($"cannot connect to the SSH server 127.0.0.1:{closed} via {proxy}: "), Logs());
    }

    [Test]
    public void Connect_ClosedPortDirect_Unreachable()
    {
        var closed = FreePort.Next();
        var connector = new SshServerConnector(null, new DialerOptions());

        var e = Assert.ThrowsAsync<SshServerUnreachableException>(async () => await connector.ConnectAsync("127.0.0.1", (ushort)closed, CancellationToken.None));

        Assert.That(e!.Message, Is.EqualTo($"cannot connect to the SSH server 127.0.0.1:{closed}: connection refused (The connection was refused.)"));
    }
}
