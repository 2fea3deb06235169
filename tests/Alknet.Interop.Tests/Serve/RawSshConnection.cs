using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Alknet.Interop.Tests.Serve;

/// <summary>
/// A bare TCP client that speaks just enough SSH (RFC 4253 §4.2 version line, §6 unencrypted packet framing) to
/// tell "the server answered and keeps going" from "the server closed the connection", with no SSH code of ours.
/// </summary>
public sealed class RawSshConnection : IAsyncDisposable
{
    private static readonly TimeSpan IoTimeout = TimeSpan.FromSeconds(20);
    private readonly Socket _socket;
    private readonly NetworkStream _stream;

    private RawSshConnection(Socket socket)
    {
        _socket = socket;
        _stream = new NetworkStream(socket, ownsSocket: true);
    }

    /// <summary>This side's port: what the server logs as the peer's port.</summary>
    public int LocalPort => ((IPEndPoint)_socket.LocalEndPoint!).Port;

    public static async Task<RawSshConnection> ConnectAsync(IPAddress address, int port)
    {
        var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            using var cts = new CancellationTokenSource(IoTimeout);
            await socket.ConnectAsync(new IPEndPoint(address, port), cts.Token).ConfigureAwait(false);
            return new RawSshConnection(socket);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Connects where the server is expected to drop the connection before any SSH byte, and returns this side's port
    /// (for the server's log line) with what arrived before the close.
    /// </summary>
    /// <remarks>
    /// The local port is bound before connecting because the connect itself may fail: the kernel completes the
    /// handshake before the server accepts, and the server's reset can reach this socket before the client has
    /// seen its connect complete. A reset at connect is the same answer as a reset after it.
    /// </remarks>
    public static async Task<(int LocalPort, byte[] Received)> ConnectExpectingCloseAsync(IPAddress address, int port)
    {
        var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(address, 0));
        int localPort = ((IPEndPoint)socket.LocalEndPoint!).Port;
        try
        {
            using var cts = new CancellationTokenSource(IoTimeout);
            await socket.ConnectAsync(new IPEndPoint(address, port), cts.Token).ConfigureAwait(false);
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionReset)
        {
            socket.Dispose();
            return (localPort, []);
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        await using var connection = new RawSshConnection(socket);
        return (localPort, await connection.ReadUntilClosedAsync().ConfigureAwait(false));
    }

    /// <summary>Reads the server's identification line (without CR LF); fails the test on close or timeout.</summary>
    public async Task<string> ReadVersionLineAsync()
    {
        var line = new List<byte>();
        var one = new byte[1];
        using var cts = new CancellationTokenSource(IoTimeout);
        while (line.Count < 255)
        {
            if (await _stream.ReadAsync(one, cts.Token).ConfigureAwait(false) == 0)
            {
                Assert.Fail($"the server closed the connection after {line.Count} bytes of its version line");
            }

            if (one[0] == '\n')
            {
                return Encoding.ASCII.GetString(line.ToArray()).TrimEnd('\r');
            }

            line.Add(one[0]);
        }

        Assert.Fail("the server's version line is longer than 255 bytes (RFC 4253 §4.2)");
        return "";
    }

    /// <summary>Sends our identification line, as a client does after reading the server's.</summary>
    public async Task SendVersionLineAsync(string version = "SSH-2.0-AlknetInteropRaw")
    {
        using var cts = new CancellationTokenSource(IoTimeout);
        await _stream.WriteAsync(Encoding.ASCII.GetBytes(version + "\r\n"), cts.Token).ConfigureAwait(false);
    }

    /// <summary>Reads one unencrypted binary packet and returns its message number (RFC 4253 §6).</summary>
    public async Task<byte> ReadPacketMessageNumberAsync()
    {
        using var cts = new CancellationTokenSource(IoTimeout);
        var header = new byte[5];
        await _stream.ReadExactlyAsync(header, cts.Token).ConfigureAwait(false);
        var length = BinaryPrimitives.ReadUInt32BigEndian(header);
        Assert.That(length, Is.InRange(12u, 35000u), "packet_length of an unencrypted packet");
        var rest = new byte[length - 1];
        await _stream.ReadExactlyAsync(rest, cts.Token).ConfigureAwait(false);
        return rest[0];
    }

    /// <summary>
    /// Reads until the server closes (EOF or reset) and returns what arrived before; fails the test if the
    /// connection is still open after the I/O timeout.
    /// </summary>
    public async Task<byte[]> ReadUntilClosedAsync()
    {
        var received = new MemoryStream();
        var buffer = new byte[1024];
        using var cts = new CancellationTokenSource(IoTimeout);
        try
        {
            int n;
            while ((n = await _stream.ReadAsync(buffer, cts.Token).ConfigureAwait(false)) > 0)
            {
                received.Write(buffer, 0, n);
            }
        }
        catch (IOException e) when (e.InnerException is SocketException { SocketErrorCode: SocketError.ConnectionReset })
        {
            // A reset is a close too: the server dropped the connection without a FIN.
        }
        catch (OperationCanceledException)
        {
            Assert.Fail($"the server kept the connection open for {IoTimeout.TotalSeconds:0} s ({received.Length} bytes received)");
        }

        return received.ToArray();
    }

    public async ValueTask DisposeAsync() => await _stream.DisposeAsync().ConfigureAwait(false);
}
