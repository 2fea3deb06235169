using Alknet.Ssh.Connection;
using Alknet.Ssh.Messages;
using NUnit.Framework;

namespace Alknet.Ssh.Tests.Connection;

[TestFixture]
[CancelAfter(60_000)]
public class ChannelTests
{
    [Test]
    public async Task DirectTcpIp_LargeTransferBeyondTheWindow_EchoedIntact()
    {
        var handler = new AcceptingHandler(AcceptingHandler.Echo);
        await using var pair = await ConnectionPair.StartAsync(handler);
        // 4 windows' worth each way: only window adjusts tied to consumption let it through.
        var data = PipeData.Random((int)pair.Server.WindowSize * 4 + 12345);
        var channel = await pair.Client.OpenDirectTcpIpAsync("example.org", 80, "127.0.0.1", 1);
        await using (channel)
        {
            var reading = PipeData.ReadAllAsync(channel.Input);
            await PipeData.WriteAllAsync(channel.Output, data, 50_000);
            var echoed = await reading;
            Assert.That(echoed.Length, Is.EqualTo(data.Length));
            Assert.That(System.Security.Cryptography.SHA256.HashData(echoed), Is.EqualTo(System.Security.Cryptography.SHA256.HashData(data)));
        }
    }

    [Test]
    public async Task DirectTcpIp_RekeyEveryFewHundredKilobytes_DataIntactAcrossEveryExchange()
    {
        var handler = new AcceptingHandler(AcceptingHandler.Echo);
        await using var pair = await ConnectionPair.StartAsync(handler, rekeyBytes: 256 * 1024);
        var data = PipeData.Random(6 * 1024 * 1024);
        // Two channels at once, so that data of both is queued while a key exchange runs.
        var a = await pair.Client.OpenDirectTcpIpAsync("h", 1, "127.0.0.1", 1);
        var b = await pair.Client.OpenDirectTcpIpAsync("h", 2, "127.0.0.1", 1);
        await using (a)
        await using (b)
        {
            var readA = PipeData.ReadAllAsync(a.Input);
            var readB = PipeData.ReadAllAsync(b.Input);
            await Task.WhenAll(PipeData.WriteAllAsync(a.Output, data, 40_000), PipeData.WriteAllAsync(b.Output, data, 70_000));
            Assert.That(await readA, Is.EqualTo(data));
            Assert.That(await readB, Is.EqualTo(data));
        }
        Assert.That(pair.Client.Session.KeyExchangeCount, Is.GreaterThan(10), "24 MiB crossed the wire at one exchange per 256 KiB");
    }

    [Test]
    public async Task Output_CompletedByClient_ServerSeesEofAndStillSends()
    {
        var serverReceived = new TaskCompletionSource<byte[]>();
        var reply = PipeData.Random(300_000);
        var handler = new AcceptingHandler(async ch =>
        {
            serverReceived.SetResult(await PipeData.ReadAllAsync(ch.Input));
            // Our input is done (the client's EOF); our output still flows.
            await PipeData.WriteAllAsync(ch.Output, reply, 7000);
        });
        await using var pair = await ConnectionPair.StartAsync(handler);
        var channel = await pair.Client.OpenDirectTcpIpAsync("h", 1, "127.0.0.1", 1);
        await using (channel)
        {
            await PipeData.WriteAllAsync(channel.Output, [1, 2, 3], 3);
            Assert.That(await serverReceived.Task, Is.EqualTo(new byte[] { 1, 2, 3 }));
            Assert.That(await PipeData.ReadAllAsync(channel.Input), Is.EqualTo(reply));
        }
    }

    [Test]
    public async Task Open_RejectedByPeer_ThrowsWithReasonAndDescription()
    {
        var handler = new RejectingHandler(ChannelOpenFailureReason.ConnectFailed, "Connection refused");
        await using var pair = await ConnectionPair.StartAsync(handler);
        var e = Assert.ThrowsAsync<ChannelOpenException>(async () => await pair.Client.OpenDirectTcpIpAsync("h", 1, "127.0.0.1", 1));
        Assert.That(e!.Reason, Is.EqualTo(ChannelOpenFailureReason.ConnectFailed));
        Assert.That(e.Description, Is.EqualTo("Connection refused"));
        Assert.That(pair.Client.ChannelCount, Is.Zero);
        // The session is unharmed: the next open is answered too.
        Assert.ThrowsAsync<ChannelOpenException>(async () => await pair.Client.OpenDirectTcpIpAsync("h", 2, "127.0.0.1", 1));
    }

    [Test]
    public async Task Open_NoHandler_AdministrativelyProhibited()
    {
        await using var pair = await ConnectionPair.StartAsync(serverHandler: null);
        var e = Assert.ThrowsAsync<ChannelOpenException>(async () => await pair.Client.OpenDirectTcpIpAsync("h", 1, "127.0.0.1", 1));
        Assert.That(e!.Reason, Is.EqualTo(ChannelOpenFailureReason.AdministrativelyProhibited));
    }

    [Test]
    public async Task Open_BeyondMaxChannels_ResourceShortage()
    {
        var hold = new TaskCompletionSource();
        var handler = new AcceptingHandler(async _ => await hold.Task);
        await using var pair = await ConnectionPair.StartAsync(handler, tune: o => new SshConnectionOptions { Handler = o.Handler, MaxChannels = 2 });
        var a = await pair.Client.OpenDirectTcpIpAsync("h", 1, "127.0.0.1", 1);
        var b = await pair.Client.OpenDirectTcpIpAsync("h", 2, "127.0.0.1", 1);
        var e = Assert.ThrowsAsync<ChannelOpenException>(async () => await pair.Client.OpenDirectTcpIpAsync("h", 3, "127.0.0.1", 1));
        Assert.That(e!.Reason, Is.EqualTo(ChannelOpenFailureReason.ResourceShortage));
        hold.SetResult();
        await a.DisposeAsync();
        await b.DisposeAsync();
    }

    [Test]
    public async Task SlowConsumer_OneChannelNeverReads_OtherChannelCompletes()
    {
        var stalled = new TaskCompletionSource();
        var handler = new AcceptingHandler(async ch =>
        {
            var first = await ch.Input.ReadAsync();
            bool isSlow = first.Buffer.FirstSpan[0] == 0xEE;
            ch.Input.AdvanceTo(first.Buffer.Start); // consume nothing
            if (isSlow) { await stalled.Task; return; }
            await AcceptingHandler.Echo(ch);
        });
        await using var pair = await ConnectionPair.StartAsync(handler);
        var slow = await pair.Client.OpenDirectTcpIpAsync("h", 1, "127.0.0.1", 1);
        var fast = await pair.Client.OpenDirectTcpIpAsync("h", 2, "127.0.0.1", 1);
        // Fill the slow channel's whole window and more: its sender must stop, nothing else may.
        var flood = new byte[pair.Server.WindowSize + 4 * 1024 * 1024]; // more than the window plus the send pipe holds
        flood[0] = 0xEE;
        var flooding = PipeData.WriteAllAsync(slow.Output, flood, 32 * 1024, complete: false);
        var data = PipeData.Random(3 * (int)pair.Server.WindowSize);
        data[0] = 0x01;
        var reading = PipeData.ReadAllAsync(fast.Input);
        await PipeData.WriteAllAsync(fast.Output, data, 64 * 1024);
        Assert.That(await reading, Is.EqualTo(data));
        Assert.That(slow.RemoteWindow, Is.Zero, "the slow channel's window is used up and not given back");
        Assert.That(flooding.IsCompleted, Is.False, "the writer of the stalled channel is held back by backpressure");
        stalled.SetResult();
        slow.Abort();
        await fast.DisposeAsync();
    }

    [Test]
    public async Task SessionEnds_InFlightChannelInputFails()
    {
        var hold = new TaskCompletionSource();
        var handler = new AcceptingHandler(async _ => await hold.Task);
        await using var pair = await ConnectionPair.StartAsync(handler);
        var channel = await pair.Client.OpenDirectTcpIpAsync("h", 1, "127.0.0.1", 1);
        var reading = channel.Input.ReadAsync().AsTask();
        await pair.Server.DisconnectAsync(SshDisconnectReason.ByApplication, "bye");
        Assert.ThrowsAsync<Alknet.Ssh.Transport.SshDisconnectedException>(async () => await reading);
        Assert.That(pair.Client.IsEnded, Is.True);
        hold.SetResult();
    }

    [Test]
    public async Task Close_BothSides_ChannelIdFreedAndReused()
    {
        var handler = new AcceptingHandler(AcceptingHandler.Echo);
        await using var pair = await ConnectionPair.StartAsync(handler);
        // Data follows each confirmation at once: the server must count the channel open before it confirms.
        for (int i = 0; i < 200; i++)
        {
            var channel = await pair.Client.OpenDirectTcpIpAsync("h", 1, "127.0.0.1", 1);
            await PipeData.WriteAllAsync(channel.Output, [9], 1);
            Assert.That(await PipeData.ReadAllAsync(channel.Input), Is.EqualTo(new byte[] { 9 }));
            await channel.DisposeAsync();
        }
        // Frees happen when both CLOSEs crossed; give them a moment by waiting on the count, not on time.
        while (pair.Client.ChannelCount > 0 || pair.Server.ChannelCount > 0) await Task.Delay(10);
        Assert.That(pair.Client.ChannelCount + pair.Server.ChannelCount, Is.Zero);
    }

    [Test]
    public async Task Accept_PeerSendsBeforeConfirmationWriteReturns_DataDeliveredWithoutProtocolError()
    {
        // The server's confirmation is readable by the client at once, but the server's write of it returns late.
        // The client answers with data meanwhile; the server's read loop must take it for the channel being accepted.
        SlowFlushPipe? serverEnd = null;
        var handler = new AcceptingHandler(AcceptingHandler.Echo);
        await using var pair = await ConnectionPair.StartAsync(handler, serverTransport: p => serverEnd = new SlowFlushPipe(p));
        serverEnd!.Delay = TimeSpan.FromMilliseconds(200);
        var channel = await pair.Client.OpenDirectTcpIpAsync("h", 1, "127.0.0.1", 1);
        await using (channel)
        {
            var reading = PipeData.ReadAllAsync(channel.Input);
            await PipeData.WriteAllAsync(channel.Output, [1, 2, 3], 3);

            Assert.That(await reading, Is.EqualTo(new byte[] { 1, 2, 3 }));
        }
        Assert.That(pair.Server.IsEnded, Is.False, "the server must not end the session over data for the channel it is accepting");
    }

    private sealed class RejectingHandler(ChannelOpenFailureReason reason, string description) : ISshConnectionHandler
    {
        public void OnChannelOpen(SshChannelOpenRequest request) => _ = request.RejectAsync(reason, description).AsTask();

        public ValueTask<GlobalRequestReply> OnGlobalRequestAsync(SshConnection connection, string name, ReadOnlyMemory<byte> data, CancellationToken cancellationToken) =>
            new(GlobalRequestReply.Failure);
    }
}
