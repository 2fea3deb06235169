using System.Net;
using System.Net.Sockets;
using Alknet.Engine.Transport;

namespace Alknet.Ssh.Connection;

/// <summary>
/// The listening side of one remote forward ("tcpip-forward"): one socket per address it covers, all on the same
/// port (the one chosen for the first when port 0 was asked for), each accepted connection handed to a callback.
/// </summary>
internal sealed class RemoteForwardListener : IAsyncDisposable
{
    private readonly List<SocketListener> _sockets;

    private RemoteForwardListener(List<SocketListener> sockets, ushort port)
    {
        _sockets = sockets;
        Port = port;
    }

    /// <summary>The bound port, never 0.</summary>
    public ushort Port { get; }

    /// <summary>
    /// Binds every address on <paramref name="port"/>. The first address must bind; later ones (IPv6 loopback on a
    /// host without IPv6) may fail quietly, as sshd tolerates.
    /// </summary>
    public static RemoteForwardListener Bind(IReadOnlyList<IPAddress> addresses, ushort port)
    {
        var sockets = new List<SocketListener>();
        try
        {
            sockets.Add(SocketListener.Bind(new IPEndPoint(addresses[0], port)));
            ushort bound = (ushort)sockets[0].LocalEndPoint.Port;
            for (int i = 1; i < addresses.Count; i++)
            {
                try
                {
                    sockets.Add(SocketListener.Bind(new IPEndPoint(addresses[i], bound)));
                }
                catch (SocketException)
                {
                    // This address family is not available here.
                }
            }
            return new RemoteForwardListener(sockets, bound);
        }
        catch
        {
            foreach (var s in sockets) _ = s.DisposeAsync().AsTask();
            throw;
        }
    }

    /// <summary>Accepts on every socket until disposed; each connection runs <paramref name="serve"/> on its own.</summary>
    public Task RunAsync(Func<SocketConnection, Task> serve, CancellationToken ct)
    {
        var loops = new Task[_sockets.Count];
        for (int i = 0; i < loops.Length; i++) loops[i] = AcceptLoopAsync(_sockets[i], serve, ct);
        return Task.WhenAll(loops);
    }

    private static async Task AcceptLoopAsync(SocketListener listener, Func<SocketConnection, Task> serve, CancellationToken ct)
    {
        var running = new List<Task>();
        try
        {
            while (await listener.AcceptAsync(ct).ConfigureAwait(false) is { } socket)
            {
                running.RemoveAll(static t => t.IsCompleted);
                running.Add(Task.Run(() => serve(socket), CancellationToken.None));
            }
        }
        catch (OperationCanceledException)
        {
            // The session ended.
        }
        await Task.WhenAll(running).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var s in _sockets) await s.DisposeAsync().ConfigureAwait(false);
    }
}
