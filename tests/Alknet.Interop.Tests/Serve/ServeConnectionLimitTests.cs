using System.Net;
using Alknet.Interop.Tests.Peers;

namespace Alknet.Interop.Tests.Serve;

/// <summary>
/// --max-connections-per-ip: connections up to the limit get the SSH version line and carry on; one more is closed
/// before any SSH byte, logged in one fail2ban-friendly line naming the peer, and disturbs nobody. The count is per
/// address, with IPv4 clients of a dual-mode listener counted (and logged) as IPv4.
/// </summary>
[TestFixture]
public sealed class ServeConnectionLimitTests
{
    private const byte SshMsgKexInit = 20;

    [Test]
    public async Task Serve_MaxConnectionsPerIpTwo_ClosesThirdAndKeepsFirstTwo()
    {
        await using var serve = await AlknetServe.StartAsync(["--max-connections-per-ip", "2"]);
        await serve.WaitUntilListeningAsync();
        await using var first = await RawSshConnection.ConnectAsync(IPAddress.Loopback, serve.Port);
        Assert.That(await first.ReadVersionLineAsync(), Does.StartWith("SSH-2.0-"));
        await using var second = await RawSshConnection.ConnectAsync(IPAddress.Loopback, serve.Port);
        Assert.That(await second.ReadVersionLineAsync(), Does.StartWith("SSH-2.0-"));

        var (thirdPort, received) = await RawSshConnection.ConnectExpectingCloseAsync(IPAddress.Loopback, serve.Port);

        Assert.That(received, Is.Empty, "a refused connection must be closed before the server's version line");
        var logged = await serve.WaitForLogLineAsync("connection refused", $"peer=127.0.0.1:{thirdPort} ", "per-ip limit 2");
        Assert.That(logged, Is.True, $"the refusal must be one log line naming the peer 127.0.0.1:{thirdPort}:\n{serve.Process.StdErr}");
        // The first two carry on with the handshake: our version line in, the server's KEXINIT out.
        foreach (var connection in new[] { first, second })
        {
            await connection.SendVersionLineAsync();
            Assert.That(await connection.ReadPacketMessageNumberAsync(), Is.EqualTo(SshMsgKexInit), serve.Process.LogTail());
        }
    }

    [Test]
    public async Task Serve_PerIpSlotFreedByClose_AcceptsAuthenticatedSession()
    {
        await using var serve = await AlknetServe.StartAsync(["--max-connections-per-ip", "1"]);
        await serve.WaitUntilListeningAsync();
        await using (var holder = await RawSshConnection.ConnectAsync(IPAddress.Loopback, serve.Port))
        {
            Assert.That(await holder.ReadVersionLineAsync(), Does.StartWith("SSH-2.0-"));
            var (_, refused) = await RawSshConnection.ConnectExpectingCloseAsync(IPAddress.Loopback, serve.Port);
            Assert.That(refused, Is.Empty);
        }

        Assert.That(await serve.WaitForLogLineAsync("connection closed id=1 "), Is.True, serve.Process.StdErr);
        await using var probe = AlknetProcess.Start(
            ["probe", "--server", $"127.0.0.1:{serve.Port}", "--identity", serve.ClientKeyPath, "--user", "interop"]);
        var code = await probe.WaitForExitAsync();

        Assert.That(code, Is.Zero, $"{probe.Output}\n{serve.Process.LogTail()}");
        Assert.That(probe.StdOut, Does.Contain("authenticated: interop"));
    }

    [Test]
    public async Task Serve_DualModeListenerIpv4Clients_CountsAndLogsIpv4Address()
    {
        await using var serve = await AlknetServe.StartAsync(["--max-connections-per-ip", "1"], listenHost: "[::]");
        await serve.WaitUntilListeningAsync();
        await using var first = await RawSshConnection.ConnectAsync(IPAddress.Loopback, serve.Port);
        Assert.That(await first.ReadVersionLineAsync(), Does.StartWith("SSH-2.0-"));

        var (secondPort, secondReceived) = await RawSshConnection.ConnectExpectingCloseAsync(IPAddress.Loopback, serve.Port);
        Assert.That(secondReceived, Is.Empty);
        await using var otherAddress = await RawSshConnection.ConnectAsync(IPAddress.IPv6Loopback, serve.Port);

        Assert.That(await otherAddress.ReadVersionLineAsync(), Does.StartWith("SSH-2.0-"), "::1 is another address with its own count");
        Assert.That(await serve.WaitForLogLineAsync("connection refused", $"peer=127.0.0.1:{secondPort} "), Is.True, serve.Process.StdErr);
        Assert.That(serve.Process.StdErr, Does.Not.Contain("::ffff:"), "IPv4 clients are logged as IPv4, which fail2ban bans as such");
    }

    [Test]
    public async Task Serve_MaxConnectionsPerIpZero_DoesNotLimit()
    {
        await using var serve = await AlknetServe.StartAsync(["--max-connections-per-ip", "0"]);
        await serve.WaitUntilListeningAsync();
        var connections = new List<RawSshConnection>();
        try
        {
            for (var i = 0; i < 12; i++)
            {
                var c = await RawSshConnection.ConnectAsync(IPAddress.Loopback, serve.Port);
                connections.Add(c);
                Assert.That(await c.ReadVersionLineAsync(), Does.StartWith("SSH-2.0-"), $"connection {i + 1}");
            }
        }
        finally
        {
            foreach (var c in connections)
            {
                await c.DisposeAsync();
            }
        }

        Assert.That(serve.Process.StdErr, Does.Not.Contain("connection refused"));
    }
}
