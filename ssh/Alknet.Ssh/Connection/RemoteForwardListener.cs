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

    /// <summary>How many of the requested addresses this listener covers.</summary>
    internal int AddressCount => _sockets.Count;

    /// <summary>
    /// How often a port 0 request starts over with a fresh port when a later address finds the first one's number
    /// taken. sshd does not retry: its listener then covers the first address only, so "-R 0:..." can hand out a port
    /// that 127.0.0.1 (or ::1) refuses. A clash needs another socket on that exact number, so a few tries suffice.
    /// </summary>
    internal const int PortZeroAttempts = 8;

    /// <summary>
    /// Binds every address on <paramref name="port"/>. The first address must bind; later ones may fail quietly, as
    /// sshd tolerates (IPv6 loopback on a host without IPv6). For port 0, a later address whose number is in use makes
    /// the whole set start over on a new number, so that one port works on every address.
    /// </summary>
    public static RemoteForwardListener Bind(IReadOnlyList<IPAddress> addresses, ushort port) =>
        Bind(addresses, port, static endpoint => SocketListener.Bind(endpoint));

    /// <summary><see cref="Bind(IReadOnlyList{IPAddress}, ushort)"/> with the socket binding supplied (tests).</summary>
    internal static RemoteForwardListener Bind(IReadOnlyList<IPAddress> addresses, ushort port, Func<IPEndPoint, SocketListener> bind)
    {
        for (int attempt = 1; ; attempt++)
        {
            var sockets = new List<SocketListener>();
            bool clashed = false;
            try
            {
                sockets.Add(bind(new IPEndPoint(addresses[0], port)));
                ushort bound = (ushort)sockets[0].LocalEndPoint.Port;
                for (int i = 1; i < addresses.Count; i++)
                {
                    try
                    {
                        sockets.Add(bind(new IPEndPoint(addresses[i], bound)));
                    }
                    catch (SocketException e) when (port == 0 && e.SocketErrorCode == SocketError.AddressAlreadyInUse && attempt < PortZeroAttempts)
                    {
                        clashed = true;
                        break;
                    }
                    catch (SocketException)
                    {
                        // This address family is not available here (or, on the last port 0 attempt, the number is
                        // taken on it): the listener covers the addresses that did bind.
                    }
                }
                if (!clashed) return new RemoteForwardListener(sockets, bound);
            }
            catch
            {
                Close(sockets);
                throw;
            }
            Close(sockets);
        }
    }

    private static void Close(List<SocketListener> sockets)
    {
        foreach (var s in sockets) _ = s.DisposeAsync().AsTask();
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
