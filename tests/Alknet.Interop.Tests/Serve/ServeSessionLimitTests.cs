using Alknet.Interop.Tests.Peers;
using Alknet.Interop.Tests.Socks;
using Alknet.Interop.Tests.Tunnel;
using Alknet.Ssh.Keys;

namespace Alknet.Interop.Tests.Serve;

/// <summary>
/// Limits of <c>alknet serve</c> seen from real clients: --max-auth-attempts against OpenSSH's ssh offering several
/// keys the server does not know, and --max-channels-per-session against alknet connect holding channels open.
/// (--max-connections-per-ip is covered by <see cref="ServeConnectionLimitTests"/>.)
/// </summary>
[TestFixture]
public sealed class ServeSessionLimitTests
{
    [Test]
    public async Task MaxAuthAttempts_SshOffersMoreWrongKeys_DisconnectedAfterLimitWithEachFailureLogged()
    {
        const int limit = 3;
        var dir = Directory.CreateTempSubdirectory("alknet-authlimit-").FullName;
        try
        {
            var wrong = new List<string>();
            for (var i = 0; i < 4; i++)
            {
                wrong.Add(await SshKeygen.GenerateAsync(Path.Combine(dir, $"wrong_{i}"), "ed25519"));
            }

            await using var serve = await AlknetServe.StartAsync(["--max-auth-attempts", limit.ToString()]);
            await serve.WaitUntilListeningAsync();
            // Four unknown keys and then the right one: the server must hang up before the right one is reached.
            List<string> identities = [.. wrong.Skip(1).SelectMany(k => new[] { "-i", k }), "-i", serve.ClientKeyPath];
            await using var ssh = OpenSshClient.Start(serve.Port, wrong[0], serve.WriteKnownHosts(), "tunnel-user", identities);

            var code = await ssh.WaitForExitAsync();

            Assert.That(code, Is.Not.Zero, ssh.Tail());
            Assert.That(ssh.Log, Does.Contain("Received disconnect from 127.0.0.1"), ssh.Tail());
            Assert.That(ssh.Log, Does.Not.Contain($"Offering public key: {serve.ClientKeyPath} "), "the authorized key comes after the limit and is never offered");
            Assert.That(ssh.Log, Does.Not.Contain("Authenticated to "));
            // The close line comes after every failure line: once it is out, so are they (log lines leave in order).
            Assert.That(await serve.WaitForLogLineAsync("connection closed id=1 ", "too many authentication failures"), Is.True, serve.Process.StdErr);
            var failures = serve.Process.StdErr.Split('\n').Where(l => l.Contains("auth failed peer=127.0.0.1:", StringComparison.Ordinal)).ToArray();
            Assert.That(failures, Has.Length.EqualTo(limit), serve.Process.StdErr);
            for (var i = 0; i < limit; i++)
            {
                var fingerprint = SshPublicKey.Load(wrong[i] + ".pub").Fingerprint;
                Assert.That(failures[i], Does.Contain("user=tunnel-user").And.Contain($"key={fingerprint}"), $"failure {i + 1} names the key that was refused");
            }

        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Test]
    public async Task MaxChannelsPerSession_OneMoreThanLimit_ExtraGetsFailureReplyWhileOthersCarryOn()
    {
        const int limit = 3;
        await using var echo = EchoServer.Start();
        await using var serve = await AlknetServe.StartAsync(["--max-channels-per-session", limit.ToString()]);
        await serve.WaitUntilListeningAsync();
        await using var connect = await AlknetConnect.StartAsync(serve.Port, serve.ClientKeyPath, serve.WriteKnownHosts());
        var open = new List<Socks5Probe>();
        try
        {
            // Each channel is proven open by a round trip before the next is asked for.
            for (var i = 0; i < limit; i++)
            {
                var probe = await TunnelTraffic.OpenAsync(connect.SocksPort, "127.0.0.1", echo.Port);
                open.Add(probe);
                var hello = TunnelTraffic.RandomBytes(1000 + i);
                TunnelTraffic.AssertSameBytes(hello, await TunnelTraffic.EchoAsync(probe.Socket, hello, halfClose: false), $"channel {i + 1}");
            }

            var extra = await TunnelTraffic.ReplyCodeAsync(connect.SocksPort, "127.0.0.1", echo.Port);

            Assert.That(extra, Is.EqualTo(TunnelTraffic.ReplyGeneralFailure), connect.Process.LogTail() + serve.Process.LogTail());
            Assert.That(echo.Accepted, Is.EqualTo(limit), "the refused channel was never dialed");
            var payloads = open.Select((_, i) => TunnelTraffic.RandomBytes(500_000 + i)).ToArray();
            var echoed = await Task.WhenAll(open.Select((p, i) => TunnelTraffic.EchoAsync(p.Socket, payloads[i], halfClose: true)));
            for (var i = 0; i < limit; i++)
            {
                TunnelTraffic.AssertSameBytes(payloads[i], echoed[i], $"channel {i + 1} after the refusal");
            }
        }
        finally
        {
            foreach (var p in open)
            {
                await p.DisposeAsync();
            }
        }

        // A closed channel's slot is free again once both CLOSEs have crossed; until then a request may still be
        // refused, so ask a bounded number of times.
        byte reply = 0xFF;
        for (var attempt = 0; attempt < 100 && reply != TunnelTraffic.ReplySucceeded; attempt++)
        {
            if (attempt > 0) await Task.Delay(100);
            var (r, probe) = await TunnelTraffic.RequestAsync(connect.SocksPort, "127.0.0.1", echo.Port);
            reply = r;
            await probe.DisposeAsync();
        }

        Assert.That(reply, Is.EqualTo(TunnelTraffic.ReplySucceeded), "the slots of closed channels are given back");
        Assert.That(serve.Process.StdErr, Does.Not.Contain("connection closed id=1 "), "the session itself was never dropped");
        LogAssert.NoDestination(connect.Process, [], [echo.Port]);
        LogAssert.NoDestination(serve.Process, [], [echo.Port]);
    }
}
