using System.Net;
using System.Net.Sockets;
using NUnit.Framework;

namespace Alknet.Engine.Tests.Dialing;

/// <summary>Real loopback sockets for dialer tests.</summary>
internal static class LoopbackSockets
{
    public static Socket Listen(IPAddress address, int port = 0, int backlog = 16)
    {
        var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(address, port));
        socket.Listen(backlog);
        return socket;
    }

    public static int PortOf(Socket socket) => ((IPEndPoint)socket.LocalEndPoint!).Port;

    /// <summary>
    /// A port that refuses connections: bound (so nobody else takes it for the test's lifetime) but not
    /// listening, so the kernel answers a SYN with RST.
    /// </summary>
    public static Socket BoundNotListening(IPAddress address, int port = 0)
    {
        var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(address, port));
        return socket;
    }
}

/// <summary>
/// A loopback endpoint whose SYNs go unanswered, for connect timeouts without depending on the network:
/// a listener that never accepts, with its accept queue filled. Linux drops a SYN when the listener's
/// accept queue is full (it does not send RST unless tcp_abort_on_overflow is set), so the next connect
/// waits for SYN retransmissions until the dialer's own timeout fires.
/// </summary>
internal sealed class BlackholeListener : IDisposable
{
    private readonly Socket _listener;
    private readonly List<Socket> _fillers = [];

    private BlackholeListener(Socket listener) => _listener = listener;

    public int Port => LoopbackSockets.PortOf(_listener);

    public static async Task<BlackholeListener> CreateAsync(IPAddress address, int port = 0)
    {
        const int Backlog = 1;
        var blackhole = new BlackholeListener(LoopbackSockets.Listen(address, port, Backlog));
        var endPoint = new IPEndPoint(address, blackhole.Port);
        for (var i = 0; i < 32; i++)
        {
            // Linux queues backlog + 1 connections. Those are given ample time even on a loaded machine;
            // the probes after them only need to show that a SYN goes unanswered.
            var patience = i <= Backlog ? TimeSpan.FromSeconds(5) : TimeSpan.FromSeconds(1);
            var filler = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
            using var attempt = new CancellationTokenSource(patience);
            try
            {
                await filler.ConnectAsync(endPoint, attempt.Token);
                blackhole._fillers.Add(filler);
            }
            catch (OperationCanceledException)
            {
                // This SYN was dropped: the accept queue is full.
                filler.Dispose();
                return blackhole;
            }
        }

        blackhole.Dispose();
        Assert.Fail("The listener's accept queue never filled; this kernel answers SYNs to a full queue (check net.ipv4.tcp_abort_on_overflow).");
        throw new InvalidOperationException("unreachable");
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
