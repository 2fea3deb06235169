using NUnit.Framework;
using System.Net;
using System.Net.Sockets;
using Alknet.Engine.Relay;
using Alknet.Engine.Tests.Transport;
using Alknet.Engine.Transport;
using RelayRunner = Alknet.Engine.Relay.Relay;

namespace Alknet.Engine.Tests.Relay;

[TestFixture]
[Category("Allocation")]
[NonParallelizable]
public class RelayAllocationTests
{
    private const int ChunkSize = 16 * 1024;
    private const int Chunks = 500;

    /// <summary>
    /// Bytes the runtime may allocate during a measurement for reasons of its own (thread-pool threads injected
    /// under load, timer and socket-engine bookkeeping): seen up to ~6 KB on a busy 2-core machine, on code that
    /// allocates nothing per chunk. One object per chunk would add at least 24 B × 1,500 = 36 KB, so 8 KiB still
    /// catches a per-chunk allocation with a wide margin.
    /// </summary>
    private const long NoiseAllowance = 8 * 1024;

    /// <summary>
    /// Method: a blocking client socket sends a chunk, the relay (Left and Right are SocketConnections) moves it,
    /// and a blocking target socket receives all of it before the next chunk is sent, so every chunk crosses the
    /// whole receive → relay → send path. Blocking sends and receives into preallocated arrays allocate nothing,
    /// so what GC.GetTotalAllocatedBytes(precise: true) counts is the relay and transport (plus background noise).
    /// After a warm-up (JIT, pool fill, state-machine boxes), we measure N chunks and then 4N chunks: anything
    /// allocated per chunk appears 3N more times in the second figure, while per-run constants cancel out. A
    /// single object per chunk would add at least 24 B × 3N = 36 KB; we allow <see cref="NoiseAllowance"/> for unrelated
    /// runtime activity and take the smallest of five attempts so that one noisy moment cannot fail the test.
    /// </summary>
    [Test]
    [CancelAfter(120_000)]
    public async Task RunAsync_SteadyStateOverLoopbackSockets_AllocatesNothingPerChunk()
    {
        using var targetListener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        targetListener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        targetListener.Listen(1);
        await using var frontListener = SocketListener.Bind(new IPEndPoint(IPAddress.Loopback, 0));

        using var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        var acceptLeft = frontListener.AcceptAsync().AsTask();
        client.Connect(frontListener.LocalEndPoint);
        await using var left = (await acceptLeft)!;
        await using var right = await SocketConnector.ConnectAsync((IPEndPoint)targetListener.LocalEndPoint!, CancellationToken.None);
        using var target = targetListener.Accept();

        var relay = RelayRunner.RunAsync(left, right, RelayOptions.Default, CancellationToken.None).AsTask();
        var chunk = Loopback.RandomBytes(ChunkSize);
        var sink = new byte[ChunkSize];

        Pump(client, target, chunk, sink, 4 * Chunks); // warm-up
        long best = long.MaxValue;
        for (var attempt = 0; attempt < 5 && best > NoiseAllowance; attempt++)
        {
            var once = Measure(client, target, chunk, sink, Chunks);
            var four = Measure(client, target, chunk, sink, 4 * Chunks);
            best = Math.Min(best, four - once);
        }

        client.Shutdown(SocketShutdown.Send);
        target.Shutdown(SocketShutdown.Send);
        var result = await relay;

        Assert.That(result.Outcome, Is.EqualTo(RelayOutcome.Completed));
        Assert.That(best, Is.LessThanOrEqualTo(NoiseAllowance), $"{best} extra bytes for {3 * Chunks} extra chunks ({(double)best / (3 * Chunks):F2} B/chunk)");
    }

    /// <summary>
    /// Same N versus 4N method, but streaming: the client sends without waiting, so pipes fill, flushes pause
    /// and the send loops gather several blocks per send. This is the path where an over-long gather list once
    /// made the runtime allocate iovec arrays on every send.
    /// </summary>
    [Test]
    [CancelAfter(120_000)]
    public async Task RunAsync_SustainedStreamOverLoopbackSockets_AllocatesNothingPerChunk()
    {
        using var targetListener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        targetListener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        targetListener.Listen(1);
        await using var frontListener = SocketListener.Bind(new IPEndPoint(IPAddress.Loopback, 0));

        using var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        var acceptLeft = frontListener.AcceptAsync().AsTask();
        client.Connect(frontListener.LocalEndPoint);
        await using var left = (await acceptLeft)!;
        await using var right = await SocketConnector.ConnectAsync((IPEndPoint)targetListener.LocalEndPoint!, CancellationToken.None);
        using var target = targetListener.Accept();
        var relay = RelayRunner.RunAsync(left, right, RelayOptions.Default, CancellationToken.None).AsTask();
        var chunk = Loopback.RandomBytes(256 * 1024);
        var sink = new byte[256 * 1024];
        const int unit = 64; // 64 × 256 KiB = 16 MiB ≈ 512 blocks of 32 KiB

        Stream(client, target, chunk, sink, 2 * unit); // warm-up
        long best = long.MaxValue;
        for (var attempt = 0; attempt < 5 && best > NoiseAllowance; attempt++)
        {
            var before = GC.GetTotalAllocatedBytes(precise: true);
            Stream(client, target, chunk, sink, unit);
            var once = GC.GetTotalAllocatedBytes(precise: true) - before;
            before = GC.GetTotalAllocatedBytes(precise: true);
            Stream(client, target, chunk, sink, 4 * unit);
            var four = GC.GetTotalAllocatedBytes(precise: true) - before;
            best = Math.Min(best, four - once);
        }

        client.Shutdown(SocketShutdown.Send);
        target.Shutdown(SocketShutdown.Send);
        var result = await relay;

        Assert.That(result.Outcome, Is.EqualTo(RelayOutcome.Completed));
        Assert.That(best, Is.LessThanOrEqualTo(NoiseAllowance), $"{best} extra bytes for {3 * unit * chunk.Length} extra bytes relayed");
    }

    /// <summary>Sends <paramref name="count"/> chunks from a dedicated thread while this thread drains the target.</summary>
    private static void Stream(Socket client, Socket target, byte[] chunk, byte[] sink, int count)
    {
        var sender = new Thread(() =>
        {
            for (var i = 0; i < count; i++)
            {
                client.Send(chunk);
            }
        });
        sender.Start();
        long remaining = (long)count * chunk.Length;
        while (remaining > 0)
        {
            var n = target.Receive(sink);
            if (n == 0)
            {
                throw new IOException("The relay closed the target connection early.");
            }

            remaining -= n;
        }

        sender.Join();
    }

    private static long Measure(Socket client, Socket target, byte[] chunk, byte[] sink, int count)
    {
        var before = GC.GetTotalAllocatedBytes(precise: true);
        Pump(client, target, chunk, sink, count);
        return GC.GetTotalAllocatedBytes(precise: true) - before;
    }

    private static void Pump(Socket client, Socket target, byte[] chunk, byte[] sink, int count)
    {
        for (var i = 0; i < count; i++)
        {
            client.Send(chunk);
            var received = 0;
            while (received < sink.Length)
            {
                var n = target.Receive(sink, received, sink.Length - received, SocketFlags.None);
                if (n == 0)
                {
                    throw new IOException("The relay closed the target connection early.");
                }

                received += n;
            }
        }
    }
}
