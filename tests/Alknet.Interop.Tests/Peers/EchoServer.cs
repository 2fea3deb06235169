using System.Net;
using System.Net.Sockets;

namespace Alknet.Interop.Tests.Peers;

/// <summary>
/// An in-test loopback TCP target. It echoes every byte back and, per connection, keeps a running checksum and
/// count of what it received, so a test can tell the exact bytes that crossed the proxy in each direction.
/// Half-close aware: when the client shuts down its send side, the server finishes echoing and then closes.
/// </summary>
public sealed class EchoServer : IAsyncDisposable
{
    private readonly Socket _listener;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _acceptLoop;
    private readonly List<Task> _connections = [];
    private readonly List<(long Bytes, ulong Checksum)> _completed = [];
    private int _accepted;

    private EchoServer(Socket listener)
    {
        _listener = listener;
        Port = ((IPEndPoint)listener.LocalEndPoint!).Port;
        _acceptLoop = AcceptLoopAsync();
    }

    public int Port { get; }

    /// <summary>Connections accepted so far.</summary>
    public int Accepted => Volatile.Read(ref _accepted);

    /// <summary>(bytes received, checksum) of each connection that has ended, in completion order.</summary>
    public IReadOnlyList<(long Bytes, ulong Checksum)> Completed
    {
        get { lock (_completed) { return _completed.ToArray(); } }
    }

    /// <summary>Listens on 127.0.0.1 at a free port (outside the ephemeral range, so logs can be searched for it).</summary>
    public static EchoServer Start()
    {
        for (var attempt = 0; ; attempt++)
        {
            var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            try
            {
                listener.Bind(new IPEndPoint(IPAddress.Loopback, FreePort.Next()));
                listener.Listen(512);
                return new EchoServer(listener);
            }
            catch (SocketException) when (attempt < 10)
            {
                listener.Dispose();
            }
        }
    }

    /// <summary>FNV-1a 64-bit, continued from <paramref name="state"/>: cheap, order-sensitive, no allocation.</summary>
    public static ulong Checksum(ReadOnlySpan<byte> data, ulong state = 14695981039346656037UL)
    {
        foreach (var b in data)
        {
            state = (state ^ b) * 1099511628211UL;
        }

        return state;
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _listener.AcceptAsync(_stop.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            Interlocked.Increment(ref _accepted);
            lock (_connections)
            {
                _connections.Add(EchoAsync(client));
            }
        }
    }

    private async Task EchoAsync(Socket client)
    {
        var buffer = new byte[64 * 1024];
        long total = 0;
        var checksum = 14695981039346656037UL;
        try
        {
            while (true)
            {
                var n = await client.ReceiveAsync(buffer, SocketFlags.None, _stop.Token).ConfigureAwait(false);
                if (n == 0)
                {
                    client.Shutdown(SocketShutdown.Send);
                    break;
                }

                total += n;
                checksum = Checksum(buffer.AsSpan(0, n), checksum);
                var sent = 0;
                while (sent < n)
                {
                    sent += await client.SendAsync(buffer.AsMemory(sent, n - sent), SocketFlags.None, _stop.Token).ConfigureAwait(false);
                }
            }
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }
        finally
        {
            client.Dispose();
            lock (_completed)
            {
                _completed.Add((total, checksum));
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        _listener.Dispose();
        await _acceptLoop.ConfigureAwait(false);
        Task[] running;
        lock (_connections)
        {
            running = [.. _connections];
        }

        await Task.WhenAll(running).ConfigureAwait(false);
        _stop.Dispose();
    }
}
