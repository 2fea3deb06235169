using Alknet.Interop.Tests.Peers;
using Alknet.Interop.Tests.Socks;
using Alknet.Interop.Tests.Tunnel;

namespace Alknet.Interop.Tests.Serve;

/// <summary>
/// What a key may reach through <c>alknet serve</c>, seen through alknet connect's SOCKS5 port: authorized_keys
/// <c>permitopen="host:port"</c> lets exactly that target through (literally: no name is resolved to match it),
/// <c>no-port-forwarding</c> refuses everything, and destinations named "alknet-…" are reserved for every key.
/// Refusals reach the SOCKS5 client as reply 0x02 and nothing is dialed. One server, one key per rule.
/// </summary>
[TestFixture]
public sealed class ServeForwardingPermissionTests
{
    private const string ReservedName = "alknet-reserved-target-4d2a.invalid";

    /// <summary>The same name without the reserved prefix: dialing it fails in name resolution (0x04), not by policy.</summary>
    private const string UnreservedName = "reserved-target-4d2a.invalid";

    private string _dir = "";
    private EchoServer _permitted = null!;
    private EchoServer _other = null!;
    private AlknetServe _serve = null!;
    private AlknetConnect _permitOpen = null!;
    private AlknetConnect _noForwarding = null!;
    private AlknetConnect _unrestricted = null!;

    [OneTimeSetUp]
    public async Task Start()
    {
        _dir = Directory.CreateTempSubdirectory("alknet-permissions-").FullName;
        _permitted = EchoServer.Start();
        _other = EchoServer.Start();
        var noForwardingKey = await SshKeygen.GenerateAsync(System.IO.Path.Combine(_dir, "no_forwarding"), "ed25519");
        var unrestrictedKey = await SshKeygen.GenerateAsync(System.IO.Path.Combine(_dir, "unrestricted"), "ed25519");
        _serve = await AlknetServe.StartAsync([],
            clientKeyOptions: $"permitopen=\"127.0.0.1:{_permitted.Port}\"",
            extraAuthorizedKeys: [$"no-port-forwarding {SshKeygen.PublicKeyLine(noForwardingKey + ".pub")}", SshKeygen.PublicKeyLine(unrestrictedKey + ".pub")]);
        await _serve.WaitUntilListeningAsync();
        var knownHosts = _serve.WriteKnownHosts();
        _permitOpen = await AlknetConnect.StartAsync(_serve.Port, _serve.ClientKeyPath, knownHosts);
        // This one also asks for a remote forward, which the key's no-port-forwarding must refuse too.
        _noForwarding = await AlknetConnect.StartAsync(_serve.Port, noForwardingKey, knownHosts, ["-R", $"0:127.0.0.1:{_other.Port}"]);
        _unrestricted = await AlknetConnect.StartAsync(_serve.Port, unrestrictedKey, knownHosts);
    }

    [OneTimeTearDown]
    public async Task Stop()
    {
        foreach (var c in new[] { _unrestricted, _noForwarding, _permitOpen })
        {
            if (c is not null) await c.DisposeAsync();
        }

        if (_serve is not null) await _serve.DisposeAsync();
        if (_other is not null) await _other.DisposeAsync();
        if (_permitted is not null) await _permitted.DisposeAsync();
        Directory.Delete(_dir, recursive: true);
    }

    private void AssertNoDestinationLogged()
    {
        string[] hosts = ["localhost", ReservedName, UnreservedName];
        int[] ports = [_permitted.Port, _other.Port];
        foreach (var process in new[] { _serve.Process, _permitOpen.Process, _noForwarding.Process, _unrestricted.Process })
        {
            LogAssert.NoDestination(process, hosts, ports);
        }
    }

    [Test]
    public async Task PermitOpen_ListedTarget_EchoesThrough()
    {
        var payload = TunnelTraffic.RandomBytes(500_000);
        await using var probe = await TunnelTraffic.OpenAsync(_permitOpen.SocksPort, "127.0.0.1", _permitted.Port);

        var echoed = await TunnelTraffic.EchoAsync(probe.Socket, payload, halfClose: true);

        TunnelTraffic.AssertSameBytes(payload, echoed, "the permitted target");
        AssertNoDestinationLogged();
    }

    [Test]
    public async Task PermitOpen_OtherPort_Reply02AndNeverDialed()
    {
        var before = _other.Accepted;

        var reply = await TunnelTraffic.ReplyCodeAsync(_permitOpen.SocksPort, "127.0.0.1", _other.Port);

        Assert.That(reply, Is.EqualTo(TunnelTraffic.ReplyNotAllowed), _serve.Process.LogTail());
        Assert.That(_other.Accepted, Is.EqualTo(before), "a target outside permitopen is not dialed");
        AssertNoDestinationLogged();
    }

    [Test]
    public async Task PermitOpen_PermittedAddressByName_Reply02BecauseMatchIsLiteral()
    {
        var before = _permitted.Accepted;

        // localhost is 127.0.0.1 here, but permitopen names 127.0.0.1: as sshd, the match is on the text.
        var reply = await TunnelTraffic.ReplyCodeAsync(_permitOpen.SocksPort, "localhost", _permitted.Port);

        Assert.That(reply, Is.EqualTo(TunnelTraffic.ReplyNotAllowed), _serve.Process.LogTail());
        Assert.That(_permitted.Accepted, Is.EqualTo(before));
        AssertNoDestinationLogged();
    }

    [Test]
    public async Task NoPortForwarding_AnyTarget_Reply02AndNeverDialed()
    {
        var (permittedBefore, otherBefore) = (_permitted.Accepted, _other.Accepted);

        var toPermitted = await TunnelTraffic.ReplyCodeAsync(_noForwarding.SocksPort, "127.0.0.1", _permitted.Port);
        var toOther = await TunnelTraffic.ReplyCodeAsync(_noForwarding.SocksPort, "127.0.0.1", _other.Port);

        Assert.That(toPermitted, Is.EqualTo(TunnelTraffic.ReplyNotAllowed), _serve.Process.LogTail());
        Assert.That(toOther, Is.EqualTo(TunnelTraffic.ReplyNotAllowed));
        Assert.That((_permitted.Accepted, _other.Accepted), Is.EqualTo((permittedBefore, otherBefore)));
        AssertNoDestinationLogged();
    }

    [Test]
    public async Task NoPortForwarding_RemoteForward_RefusedByServer()
    {
        await _noForwarding.WaitForLogAsync("remote forward refused by the server for listen port 0");

        Assert.That(_noForwarding.Process.StdErr, Does.Not.Contain("remote forward listening on the server"));
        AssertNoDestinationLogged();
    }

    [Test]
    public async Task Unrestricted_OtherTarget_EchoesThrough()
    {
        // The control for the refusals above: the target itself is reachable through this server.
        var payload = TunnelTraffic.RandomBytes(300_000);
        await using var probe = await TunnelTraffic.OpenAsync(_unrestricted.SocksPort, "127.0.0.1", _other.Port);

        var echoed = await TunnelTraffic.EchoAsync(probe.Socket, payload, halfClose: true);

        TunnelTraffic.AssertSameBytes(payload, echoed, "an unrestricted key");
        AssertNoDestinationLogged();
    }

    [Test]
    public async Task ReservedPrefix_AlknetName_Reply02AndNeverDialed()
    {
        var reserved = await TunnelTraffic.ReplyCodeAsync(_unrestricted.SocksPort, ReservedName, _other.Port);
        var unreserved = await TunnelTraffic.ReplyCodeAsync(_unrestricted.SocksPort, UnreservedName, _other.Port);

        Assert.That(reserved, Is.EqualTo(TunnelTraffic.ReplyNotAllowed), _serve.Process.LogTail());
        // The control: the same name without the prefix is dialed, and fails in name resolution. A 0x02 for the
        // reserved one therefore means it was stopped before any lookup or connect.
        Assert.That(unreserved, Is.EqualTo(TunnelTraffic.ReplyHostUnreachable), "control: an unreserved unknown name is dialed and not found");
        AssertNoDestinationLogged();
    }

    [Test]
    public async Task ReservedPrefix_AnyCase_Reply02()
    {
        var reply = await TunnelTraffic.ReplyCodeAsync(_unrestricted.SocksPort, ReservedName.ToUpperInvariant(), _other.Port);

        Assert.That(reply, Is.EqualTo(TunnelTraffic.ReplyNotAllowed), _serve.Process.LogTail());
        AssertNoDestinationLogged();
    }
}
