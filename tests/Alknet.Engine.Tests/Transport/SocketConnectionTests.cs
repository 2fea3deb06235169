using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using NUnit.Framework;
using Alknet.Engine.Buffers;
using Alknet.Engine.Transport;

namespace Alknet.Engine.Tests.Transport;

[TestFixture]
[CancelAfter(60_000)]
public class SocketConnectionTests
{
    [Test]
    public async Task Output_WrittenBytes_EchoedBackThroughPeer()
    {
        var (client, server) = await Loopback.ConnectionPairAsync();
        await using (client)
        await using (server)
        {
            await client.Output.WriteAsync(Encoding.ASCII.GetBytes("hello"));
            var received = await Loopback.ReadExactlyAsync(server.Input, 5);
            await server.Output.WriteAsync(received);
            var echoed = await Loopback.ReadExactlyAsync(client.Input, 5);

            Assert.That(Encoding.ASCII.GetString(echoed), Is.EqualTo("hello"));
        }
    }

    [Test]
    public async Task Output_CompletedByClient_ServerSeesEndAndClientStillReceives()
    {
        var (client, server) = await Loopback.ConnectionPairAsync();
        await using (client)
        await using (server)
        {
            var request = Loopback.RandomBytes(100_000);
            var response = Loopback.RandomBytes(300_000);

            var seen = await Loopback.WriteWhileReadingAsync(client.Output, request, server.Input);

            // Only after the server has seen EOF does it answer: the client's send side is already shut down.
            var answer = await Loopback.WriteWhileReadingAsync(server.Output, response, client.Input);

            Assert.That(seen, Is.EqualTo(request));
            Assert.That(answer, Is.EqualTo(response));
        }
    }

    [Test]
    public async Task Output_CompletedByServer_ClientSeesEndAndServerStillReceives()
    {
        var (client, server) = await Loopback.ConnectionPairAsync();
        await using (client)
        await using (server)
        {
            var greeting = Loopback.RandomBytes(70_000);
            var upload = Loopback.RandomBytes(500_000);

            var seen = await Loopback.WriteWhileReadingAsync(server.Output, greeting, client.Input);

            var uploaded = await Loopback.WriteWhileReadingAsync(client.Output, upload, server.Input);

            Assert.That(seen, Is.EqualTo(greeting));
            Assert.That(uploaded, Is.EqualTo(upload));
        }
    }

    [Test]
    public async Task Input_RawPeerShutsDownSend_CompletesAndPeerStillReceivesTheRest()
    {
        var (raw, server) = await Loopback.RawClientPairAsync();
        using (raw)
        await using (server)
        {
            var request = Loopback.RandomBytes(50_000);
            var response = Loopback.RandomBytes(2_000_000);
            raw.Send(request);
            raw.Shutdown(SocketShutdown.Send);

            var seen = await Loopback.ReadToEndAsync(server.Input);
            var write = Loopback.WriteAllAsync(server.Output, response, complete: true);
            var answer = await Task.Run(() => Loopback.ReceiveToEnd(raw));
            await write;

            Assert.That(seen, Is.EqualTo(request));
            Assert.That(answer, Is.EqualTo(response));
        }
    }

    [Test]
    public async Task Pipes_LargeTransfersBothWaysConcurrently_ChecksumsMatch()
    {
        const int size = 64 * 1024 * 1024;
        var (client, server) = await Loopback.ConnectionPairAsync();
        await using (client)
        await using (server)
        {
            var up = Loopback.RandomBytes(size);
            var down = Loopback.RandomBytes(size);

            var writes = Task.WhenAll(
                Task.Run(() => Loopback.WriteAllAsync(client.Output, up)),
                Task.Run(() => Loopback.WriteAllAsync(server.Output, down)));
            var atServer = Task.Run(() => Loopback.HashToEndAsync(server.Input));
            var atClient = Task.Run(() => Loopback.HashToEndAsync(client.Input));
            await writes;

            var (upHash, upLength) = await atServer;
            var (downHash, downLength) = await atClient;
            Assert.That(upLength, Is.EqualTo(size));
            Assert.That(downLength, Is.EqualTo(size));
            Assert.That(upHash, Is.EqualTo(SHA256.HashData(up)));
            Assert.That(downHash, Is.EqualTo(SHA256.HashData(down)));
        }
    }

    [Test]
    public async Task Input_PeerResets_CompletesWithIOException()
    {
        var (raw, server) = await Loopback.RawClientPairAsync();
        await using (server)
        {
            raw.LingerState = new LingerOption(true, 0);
            raw.Dispose();

            Assert.That(async () => await Loopback.ReadToEndAsync(server.Input), Throws.InstanceOf<IOException>());
        }
    }

    [Test]
    public async Task Input_PeerSendsThenResets_DeliversTheBytesBeforeTheError()
    {
        var (raw, server) = await Loopback.RawClientPairAsync();
        await using (server)
        {
            // A SOCKS5 proxy that refuses a CONNECT answers and then resets (dante does): the answer must reach
            // the reader even when the reset has already been received by the time the reader gets to it.
            var reply = Loopback.RandomBytes(10);
            raw.Send(reply);
            raw.LingerState = new LingerOption(true, 0);
            raw.Dispose();
            // The socket reports the reset to the receive loop; only then read, so the loop is ahead of the reader.
            Assert.That(await Loopback.EventuallyAsync(() => !server.Socket.Connected), Is.True, "the reset never arrived");

            var seen = await Loopback.ReadExactlyAsync(server.Input, reply.Length);

            Assert.That(seen, Is.EqualTo(reply));
            Assert.That(async () => await Loopback.ReadToEndAsync(server.Input), Throws.InstanceOf<IOException>());
        }
    }

    [Test]
    public async Task Input_PeerResetsWhileReaderWantsMore_CompletesWithIOException()
    {
        var (raw, server) = await Loopback.RawClientPairAsync();
        await using (server)
        {
            // Half a message, then a reset: the reader that examined everything and waits for more gets the error
            // (once), not the same bytes forever.
            raw.Send(new byte[] { 5, 0 });
            var first = await server.Input.ReadAsync();
            server.Input.AdvanceTo(first.Buffer.Start, first.Buffer.End);
            raw.LingerState = new LingerOption(true, 0);
            raw.Dispose();

            var reads = 0;
            Assert.That(
                async () =>
                {
                    while (true)
                    {
                        reads++;
                        var result = await server.Input.ReadAsync();
                        Assert.That(result.IsCompleted, Is.False, "a reset is not a clean end of stream");
                        server.Input.AdvanceTo(result.Buffer.Start, result.Buffer.End);
                        Assert.That(reads, Is.LessThan(10), "the reader was handed the same bytes again and again");
                    }
                },
                Throws.InstanceOf<IOException>());
        }
    }

    [Test]
    public async Task Abort_WhileConnected_PeerInputCompletesWithIOException()
    {
        var (client, server) = await Loopback.ConnectionPairAsync();
        await using (client)
        await using (server)
        {
            await client.Output.WriteAsync(new byte[] { 1, 2, 3 });
            await Loopback.ReadExactlyAsync(server.Input, 3);

            client.Abort();

            Assert.That(async () => await Loopback.ReadToEndAsync(server.Input), Throws.InstanceOf<IOException>());
        }
    }

    [Test]
    public async Task Output_CompletedWithException_ResetsPeer()
    {
        var (client, server) = await Loopback.ConnectionPairAsync();
        await using (client)
        await using (server)
        {
            await client.Output.CompleteAsync(new InvalidOperationException("application failure"));

            Assert.That(async () => await Loopback.ReadToEndAsync(server.Input), Throws.InstanceOf<IOException>());
        }
    }

    [Test]
    public async Task DisposeAsync_AfterTraffic_ReturnsEveryBlockToThePool()
    {
        using var pool = new PinnedBlockMemoryPool();
        var (client, server) = await Loopback.ConnectionPairAsync(pool);
        var data = Loopback.RandomBytes(3_000_000);

        var write = Loopback.WriteAllAsync(client.Output, data, complete: false);
        await Loopback.ReadExactlyAsync(server.Input, data.Length);
        await write;
        // Leave some bytes unread on purpose: disposal must return their blocks too.
        await server.Output.WriteAsync(Loopback.RandomBytes(200_000));

        await client.DisposeAsync();
        await server.DisposeAsync();

        Assert.That(pool.AllocatedCount, Is.GreaterThan(0));
        Assert.That(pool.RentedCount, Is.Zero);
    }

    [Test]
    public async Task Input_IdleAfterConsumingData_HoldsNoBlock()
    {
        using var pool = new PinnedBlockMemoryPool();
        var (client, server) = await Loopback.ConnectionPairAsync(pool);
        await using (client)
        await using (server)
        {
            await client.Output.WriteAsync(Loopback.RandomBytes(100_000));
            await Loopback.ReadExactlyAsync(server.Input, 100_000);
            await server.Output.WriteAsync(Loopback.RandomBytes(10));
            await Loopback.ReadExactlyAsync(client.Input, 10);

            // Both receive loops go back to a zero-byte receive once their data is consumed and the send loops
            // return sent blocks; that happens on other threads, so wait for it to settle.
            var idle = await Loopback.EventuallyAsync(() => pool.RentedCount == 0);

            Assert.That(idle, Is.True, $"{pool.RentedCount} block(s) still rented by idle connections");
            Assert.That(pool.AllocatedCount, Is.GreaterThan(0));
        }
    }
}
