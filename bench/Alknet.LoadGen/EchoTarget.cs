using System.Buffers;
using System.Net;
using System.Net.Sockets;

namespace Alknet.LoadGen;

/// <summary>
/// The target behind the proxy: "echo" returns every byte, "sink" discards them. An idle connection holds no
/// buffer (zero-byte receive before renting), so 10,000 held connections cost the target almost nothing and
/// RSS measurements of the proxy are not disturbed when the target runs on the same machine.
/// </summary>
internal static class EchoTarget
{
    public static async Task<int> RunAsync(Options options, CancellationToken stop)
    {
        var listen = (IPEndPoint)Options.ParseEndPoint(options.String("--listen") ?? "127.0.0.1:0");
        var sink = options.String("--mode") == "sink";
        options.RejectUnknown();

        using var listener = new Socket(listen.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        listener.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        listener.Bind(listen);
        listener.Listen(4096);
        Console.WriteLine($"LISTENING {listener.LocalEndPoint}");
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

            _ = ServeAsync(client, sink, stop);
        }

        return 0;
    }

    private static async Task ServeAsync(Socket client, bool sink, CancellationToken stop)
    {
        client.NoDelay = true;
        try
        {
            while (true)
            {
                await client.ReceiveAsync(Memory<byte>.Empty, SocketFlags.None, stop).ConfigureAwait(false);
                var buffer = ArrayPool<byte>.Shared.Rent(64 * 1024);
                try
                {
                    var n = await client.ReceiveAsync(buffer, SocketFlags.None, stop).ConfigureAwait(false);
                    if (n == 0)
                    {
                        client.Shutdown(SocketShutdown.Send);
                        return;
                    }

                    if (!sink)
                    {
                        await Socks5Client.SendAllAsync(client, buffer.AsMemory(0, n), stop).ConfigureAwait(false);
                    }
                }
                finally
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                }
            }
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException or ObjectDisposedException)
        {
        }
        finally
        {
            client.Dispose();
        }
    }
}
