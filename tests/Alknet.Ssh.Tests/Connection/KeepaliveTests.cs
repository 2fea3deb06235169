using Alknet.Ssh.Connection;
using Alknet.Ssh.Tests.Session;
using Alknet.Ssh.Transport;
using NUnit.Framework;

namespace Alknet.Ssh.Tests.Connection;

[TestFixture]
[CancelAfter(60_000)]
public class KeepaliveTests
{
    private static SshConnectionOptions Every(TimeSpan interval) => new() { KeepaliveInterval = interval, KeepaliveCountMax = 3 };

    [Test]
    public async Task RunAsync_PeerStopsAnswering_EndsWithConnectionLost()
    {
        var user = SessionHarness.Key("ed25519", 1);
        var (client, server) = await SessionHarness.ConnectAsync(SessionHarness.Client("alice", user),
            SessionHarness.Server(new BlobAuthorizer("alice", user.PublicKey)));
        await using (server)
        {
            // The server's read loop never runs: nobody answers, as with a peer that vanished without a FIN.
            var connection = new SshConnection(client, Every(TimeSpan.FromMilliseconds(100)));
            var e = Assert.ThrowsAsync<SshDisconnectedException>(() => connection.RunAsync());
            Assert.That(e!.Reason, Is.EqualTo(SshDisconnectReason.ConnectionLost));
            Assert.That(e.Message, Does.Contain("keepalive"));
            await connection.DisposeAsync();
        }
    }

    [Test]
    public async Task RunAsync_BothSidesKeepaliveAtTheSameInterval_IdleSessionSurvives()
    {
        // Equal intervals put each reply just under one interval before the next tick: the case that once
        // counted answered keepalives as missed.
        await using var pair = await ConnectionPair.StartAsync(null, null, o => Every(TimeSpan.FromMilliseconds(50)));
        for (int i = 0; i < 40; i++)
        {
            await Task.Delay(25);
            Assert.That(pair.Client.IsEnded || pair.Server.IsEnded, Is.False, $"session ended after {i} idle steps");
        }
    }
}
