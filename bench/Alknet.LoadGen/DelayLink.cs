using System.Buffers;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Threading.Channels;

namespace Alknet.LoadGen;

/// <summary>
/// A TCP forwarder that adds a fixed one-way delay in each direction, to give loopback a round-trip time without
/// kernel traffic shaping (netem, which needs a kernel module and root on the shared interface). Each direction
/// reads as fast as the sender writes, timestamps every read, and writes it to the other side once the delay has
/// passed. It buffers what is in flight without a bound of its own, like a long fat pipe: the only window that
/// limits a connection through it is the protocol's own (TCP between the endpoints and this process is on
/// loopback and never the bottleneck), which is what it is for: measuring SSH channel windows.
/// </summary>
internal static class DelayLink
{
    private const int ReadSize = 64 * 1024;

    public static async Task<int> RunAsync(Options options, CancellationToken stop)
    {
        var listen = (IPEndPoint)Options.ParseEndPoint(options.String("--listen") ?? "127.0.0.1:0");
        var target = Options.ParseEndPoint(options.RequiredString("--target"));
        var delay = TimeSpan.FromMilliseconds(options.Double("--delay-ms", 5));
        options.RejectUnknown();

        using var listener = new Socket(listen.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        listener.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        listener.Bind(listen);
        listener.Listen(512);
        Console.WriteLine($"LISTENING {listener.LocalEndPoint} delay={delay.TotalMilliseconds}ms each way");
        while (!stop.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await listener.AcceptAsync(stop).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                break;
            }

            _ = ServeAsync(client, target, delay, stop);
        }

        return 0;
    }

    private static async Task ServeAsync(Socket client, EndPoint target, TimeSpan delay, CancellationToken stop)
    {
        using (client)
        {
            using var server = new Socket(SocketType.Stream, ProtocolType.Tcp);
            client.NoDelay = true;
            server.NoDelay = true;
            try
            {
                await server.ConnectAsync(target, stop).ConfigureAwait(false);
            }
            catch (SocketException)
            {
                return;
            }

            await Task.WhenAll(ForwardAsync(client, server, delay, stop), ForwardAsync(server, client, delay, stop)).ConfigureAwait(false);
        }
    }

    private readonly record struct Piece(long Due, byte[]? Buffer, int Length);

    private static async Task ForwardAsync(Socket from, Socket to, TimeSpan delay, CancellationToken stop)
    {
        var queue = Channel.CreateUnbounded<Piece>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
        long delayTicks = (long)(delay.TotalSeconds * Stopwatch.Frequency);
        var writer = WriteAsync(queue.Reader, to, stop);
        try
        {
            while (true)
            {
                var buffer = ArrayPool<byte>.Shared.Rent(ReadSize);
                int n = await from.ReceiveAsync(buffer, SocketFlags.None, stop).ConfigureAwait(false);
                if (n == 0)
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                    break;
                }

                queue.Writer.TryWrite(new Piece(Stopwatch.GetTimestamp() + delayTicks, buffer, n));
            }

            // The FIN travels with the same delay as the data before it.
            queue.Writer.TryWrite(new Piece(Stopwatch.GetTimestamp() + delayTicks, null, 0));
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException or ObjectDisposedException)
        {
            to.Close();
        }

        queue.Writer.TryComplete();
        await writer.ConfigureAwait(false);
    }

    private static async Task WriteAsync(ChannelReader<Piece> queue, Socket to, CancellationToken stop)
    {
        try
        {
            await foreach (var piece in queue.ReadAllAsync(stop).ConfigureAwait(false))
            {
                long wait = piece.Due - Stopwatch.GetTimestamp();
                if (wait > 0) await Task.Delay(TimeSpan.FromSeconds((double)wait / Stopwatch.Frequency), stop).ConfigureAwait(false);
                if (piece.Buffer is null)
                {
                    to.Shutdown(SocketShutdown.Send);
                    continue;
                }

                try
                {
                    int sent = 0;
                    while (sent < piece.Length) sent += await to.SendAsync(piece.Buffer.AsMemory(sent, piece.Length - sent), SocketFlags.None, stop).ConfigureAwait(false);
                }
                finally
                {
                    ArrayPool<byte>.Shared.Return(piece.Buffer);
                }
            }
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // The other direction or the peer went away.
        }
    }
}
