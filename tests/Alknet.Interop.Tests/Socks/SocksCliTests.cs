using System.Net;
using System.Net.Sockets;
using Alknet.Interop.Tests.Peers;

namespace Alknet.Interop.Tests.Socks;

/// <summary>
/// The operator-facing behaviour of <c>alknet socks</c>: safe defaults on non-loopback listen, credentials from
/// flags and environment (flags win), the authentication-failure log line, and a clean exit on SIGTERM/SIGINT.
/// </summary>
[TestFixture]
public sealed class SocksCliTests
{
    [Test]
    public async Task Socks_NonLoopbackListenWithoutAuth_ExitsNonZeroWithMessage()
    {
        var port = FreePort.Next();
        await using var alknet = AlknetProcess.Start(["socks", "--listen", $"0.0.0.0:{port}"]);

        var code = await alknet.WaitForExitAsync();

        Assert.That(code, Is.Not.Zero, alknet.Output);
        Assert.That(alknet.Output, Does.Match("(?i)allow-open|--user|password|auth"), "the refusal must say how to fix it");
    }

    [Test]
    public async Task Socks_NonLoopbackListenWithAllowOpen_Listens()
    {
        var port = FreePort.Next();
        await using var alknet = AlknetProcess.Start(["socks", "--listen", $"0.0.0.0:{port}", "--allow-open"], port: port);

        await alknet.WaitForPortAsync(port);

        Assert.That(alknet.HasExited, Is.False);
    }

    [Test]
    public async Task Socks_NonLoopbackListenWithAuth_Listens()
    {
        var port = FreePort.Next();
        await using var alknet = AlknetProcess.Start(["socks", "--listen", $"0.0.0.0:{port}", "--user", "u", "--pass", "p"], port: port);

        await alknet.WaitForPortAsync(port);

        Assert.That(alknet.HasExited, Is.False);
    }

    [Test]
    public async Task Socks_WrongPassword_LogsPeerAndSendsRfc1929Failure()
    {
        await using var alknet = await AlknetProcess.StartSocksAsync("--user", "alice", "--pass", "right-password");
        await using var probe = await Socks5Probe.ConnectAsync(alknet.Port!.Value);
        Assert.That(await probe.GreetAsync(Socks5Probe.MethodUserPass), Is.EqualTo(Socks5Probe.MethodUserPass));

        var status = await probe.AuthenticateAsync("alice", "wrong-password");

        Assert.That(status, Is.Not.Zero, "RFC 1929 §2: a non-zero STATUS means failure");
        var peerPort = probe.LocalPort.ToString();
        // One line that is about authentication and names this peer (address and source port).
        var logged = await alknet.WaitForStdErrAsync(s => s.Split('\n').Any(line =>
            line.Contains("auth", StringComparison.OrdinalIgnoreCase) && line.Contains("127.0.0.1") && line.Contains(peerPort)));
        Assert.That(logged, Is.True, $"auth failure must be logged with the peer address 127.0.0.1:{peerPort}:\n{alknet.StdErr}");
        Assert.That(alknet.StdErr, Does.Not.Contain("wrong-password"), "a password never appears in a log");
    }

    [Test]
    public async Task Socks_NoAcceptableMethod_AnswersFF()
    {
        await using var alknet = await AlknetProcess.StartSocksAsync("--user", "alice", "--pass", "pw");
        await using var probe = await Socks5Probe.ConnectAsync(alknet.Port!.Value);

        var method = await probe.GreetAsync(Socks5Probe.MethodNone);

        Assert.That(method, Is.EqualTo((byte)0xFF), "RFC 1928 §3: no acceptable methods");
    }

    [Test]
    public async Task Socks_CredentialsFromEnvironment_FlagsWin()
    {
        var port = FreePort.Next();
        var env = new Dictionary<string, string?>
        {
            ["ALKNET_SOCKS5_LISTEN"] = $"127.0.0.1:{port}",
            ["ALKNET_SOCKS5_USER"] = "env-user",
            ["ALKNET_SOCKS5_PASS"] = "env-pass",
        };
        await using var alknet = AlknetProcess.Start(["socks", "--user", "flag-user", "--pass", "flag-pass"], env, port);
        await alknet.WaitForPortAsync(port);

        await using (var flags = await Socks5Probe.ConnectAsync(port))
        {
            Assert.That(await flags.GreetAsync(Socks5Probe.MethodUserPass), Is.EqualTo(Socks5Probe.MethodUserPass));
            Assert.That(await flags.AuthenticateAsync("flag-user", "flag-pass"), Is.Zero, alknet.LogTail());
        }

        await using var environment = await Socks5Probe.ConnectAsync(port);
        Assert.That(await environment.GreetAsync(Socks5Probe.MethodUserPass), Is.EqualTo(Socks5Probe.MethodUserPass));
        Assert.That(await environment.AuthenticateAsync("env-user", "env-pass"), Is.Not.Zero, "flags override the environment");
    }

    [Test]
    public async Task Socks_CredentialsOnlyFromEnvironment_AreRequired()
    {
        var port = FreePort.Next();
        var env = new Dictionary<string, string?>
        {
            ["ALKNET_SOCKS5_LISTEN"] = $"127.0.0.1:{port}",
            ["ALKNET_SOCKS5_USER"] = "env-user",
            ["ALKNET_SOCKS5_PASS"] = "env-pass",
        };
        await using var alknet = AlknetProcess.Start(["socks"], env, port);
        await alknet.WaitForPortAsync(port);
        await using var probe = await Socks5Probe.ConnectAsync(port);

        Assert.That(await probe.GreetAsync(Socks5Probe.MethodUserPass), Is.EqualTo(Socks5Probe.MethodUserPass));
        Assert.That(await probe.AuthenticateAsync("env-user", "env-pass"), Is.Zero, alknet.LogTail());
    }

    [Test]
    public async Task Socks_SigTerm_ExitsZero()
    {
        await using var alknet = await AlknetProcess.StartSocksAsync();

        alknet.SendSigTerm();
        var code = await alknet.WaitForExitAsync();

        Assert.That(code, Is.Zero, alknet.Output);
    }

    [Test]
    public async Task Socks_SigTermWithIdleTunnel_ExitsZeroAndStopsListening()
    {
        await using var echo = EchoServer.Start();
        await using var alknet = await AlknetProcess.StartSocksAsync("--idle-timeout", "2");
        await using var probe = await Socks5Probe.ConnectAsync(alknet.Port!.Value);
        await probe.NegotiateAsync();
        Assert.That(await probe.RequestAsync(Socks5Probe.CommandConnect, IPAddress.Loopback, echo.Port), Is.Zero);

        alknet.SendSigTerm();
        var code = await alknet.WaitForExitAsync(TimeSpan.FromSeconds(30));

        Assert.That(code, Is.Zero, alknet.Output);
        Assert.That(FreePort.IsFree(alknet.Port.Value), Is.True);
    }

    [Test]
    public async Task Socks_SigInt_ExitsZero()
    {
        await using var alknet = await AlknetProcess.StartSocksAsync();

        alknet.SendSigInt();
        var code = await alknet.WaitForExitAsync();

        Assert.That(code, Is.Zero, alknet.Output);
    }

    [Test]
    public async Task Socks_ListenPortTaken_ExitsNonZero()
    {
        using var occupant = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        occupant.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        occupant.Listen();
        var port = ((IPEndPoint)occupant.LocalEndPoint!).Port;
        await using var alknet = AlknetProcess.Start(["socks", "--listen", $"127.0.0.1:{port}"]);

        var code = await alknet.WaitForExitAsync();

        Assert.That(code, Is.Not.Zero, alknet.Output);
    }
}
