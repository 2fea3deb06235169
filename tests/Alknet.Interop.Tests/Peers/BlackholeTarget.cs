using System.Net;
using System.Net.Sockets;

namespace Alknet.Interop.Tests.Peers;

/// <summary>
/// A loopback port whose connection attempts time out: a listener that never accepts, with its accept queue
/// filled. Linux drops SYNs to a listener whose accept queue is full, so a connect there neither succeeds nor is
/// refused until the caller gives up. This provokes a connect timeout deterministically on any Linux machine,
/// without depending on how the machine's network treats unroutable addresses.
/// </summary>
public sealed class BlackholeTarget : IDisposable
{
    private readonly Socket _listener;
    private readonly List<Socket> _fillers = [];

    private BlackholeTarget(Socket listener)
    {
        _listener = listener;
        Port = ((IPEndPoint)listener.LocalEndPoint!).Port;
    }

    public int Port { get; }

    public static async Task<BlackholeTarget> StartAsync()
    {
        var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, FreePort.Next()));
        listener.Listen(0);
        var target = new BlackholeTarget(listener);
        // Fill the accept queue until a connect attempt hangs; that proves the port now swallows SYNs.
        for (var i = 0; i < 16; i++)
        {
            var filler = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
            try
            {
                await filler.ConnectAsync(new IPEndPoint(IPAddress.Loopback, target.Port), cts.Token).ConfigureAwait(false);
                target._fillers.Add(filler);
            }
            catch (OperationCanceledException)
            {
                filler.Dispose();
                return target;
            }
        }

        target.Dispose();
        Assert.Fail("could not fill a listener's accept queue: this kernel does not drop SYNs to a full queue");
        return null!;
    }

    public void Dispose()
    {
        foreach (var filler in _fillers)
        {
            filler.Dispose();
        }

        _listener.Dispose();
    }
}
