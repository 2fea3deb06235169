using System.Buffers;
using System.Net;
using System.Net.Sockets;
using Alknet.Engine.Relay;
using Alknet.Engine.Transport;

namespace Alknet.Bench;

/// <summary>Loopback plumbing for the relay benchmarks: sources, a proxy per connection, sinks.</summary>
internal sealed class RelayRig : IDisposable
{
    public const long BytesPerOperation = 64L * 1024 * 1024;

    private readonly List<Socket> _sources = new();
    private readonly List<Socket> _sinks = new();
    private readonly List<IDisposable> _owned = new();
    private readonly List<Task> _proxies = new();
    private readonly byte[][] _sendBuffers;
    private readonly byte[][] _receiveBuffers;
    private readonly Task[] _work;

    private RelayRig(int connections)
    {
        _sendBuffers = new byte[connections][];
        _receiveBuffers = new byte[connections][];
        _work = new Task[connections * 2];
        for (var i = 0; i < connections; i++)
        {
            _sendBuffers[i] = new byte[64 * 1024];
            Random.Shared.NextBytes(_sendBuffers[i]);
            _receiveBuffers[i] = new byte[64 * 1024];
        }
    }

    public enum Proxy
    {
        Relay,
        StreamCopy,
    }

    public static RelayRig Create(int connections, Proxy proxy, MemoryPool<byte>? pool, SocketConnectionOptions? options = null)
    {
        var rig = new RelayRig(connections);
        using var sinkListener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        sinkListener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        sinkListener.Listen(connections);
        using var proxyListener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        proxyListener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        proxyListener.Listen(connections);

        for (var i = 0; i < connections; i++)
        {
            var source = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            source.Connect(proxyListener.LocalEndPoint!);
            var front = proxyListener.Accept();
            var back = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            back.Connect(sinkListener.LocalEndPoint!);
            var sink = sinkListener.Accept();
            sink.NoDelay = true;
            rig._sources.Add(source);
            rig._sinks.Add(sink);

            if (proxy == Proxy.Relay)
            {
                var left = new SocketConnection(front, pool, options);
                var right = new SocketConnection(back, pool, options);
                left.Start();
                right.Start();
                rig._proxies.Add(RunRelayAsync(left, right));
            }
            else
            {
                front.NoDelay = true;
                var a = new NetworkStream(front, ownsSocket: true);
                var b = new NetworkStream(back, ownsSocket: true);
                rig._owned.Add(a);
                rig._owned.Add(b);
                rig._proxies.Add(a.CopyToAsync(b));
                rig._proxies.Add(b.CopyToAsync(a));
            }
        }

        return rig;
    }

    public Task TransferAsync(long totalBytes)
    {
        var perConnection = totalBytes / _sources.Count;
        for (var i = 0; i < _sources.Count; i++)
        {
            _work[2 * i] = SendAsync(_sources[i], _sendBuffers[i], perConnection);
            _work[(2 * i) + 1] = ReceiveAsync(_sinks[i], _receiveBuffers[i], perConnection);
        }

        return Task.WhenAll(_work);
    }

    public void Dispose()
    {
        foreach (var s in _sources)
        {
            s.Shutdown(SocketShutdown.Both);
            s.Dispose();
        }

        foreach (var s in _sinks)
        {
            s.Shutdown(SocketShutdown.Both);
            s.Dispose();
        }

        try
        {
            Task.WaitAll(_proxies.ToArray(), TimeSpan.FromSeconds(10));
        }
        catch (AggregateException)
        {
            // The baseline's copies fault when their sockets reset; that is the expected end.
        }

        foreach (var d in _owned)
        {
            d.Dispose();
        }
    }

    private static async Task RunRelayAsync(SocketConnection left, SocketConnection right)
    {
        await Relay.RunAsync(left, right, RelayOptions.Default, CancellationToken.None);
        await left.DisposeAsync();
        await right.DisposeAsync();
    }

    private static async Task SendAsync(Socket socket, byte[] buffer, long count)
    {
        while (count > 0)
        {
            var n = (int)Math.Min(buffer.Length, count);
            count -= await socket.SendAsync(buffer.AsMemory(0, n), SocketFlags.None);
        }
    }

    private static async Task ReceiveAsync(Socket socket, byte[] buffer, long count)
    {
        while (count > 0)
        {
            var n = await socket.ReceiveAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, count)), SocketFlags.None);
            if (n == 0)
            {
                throw new IOException("The proxy closed the connection early.");
            }

            count -= n;
        }
    }
}
