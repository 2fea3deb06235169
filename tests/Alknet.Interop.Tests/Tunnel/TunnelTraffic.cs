using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using Alknet.Interop.Tests.Socks;

namespace Alknet.Interop.Tests.Tunnel;

/// <summary>
/// Moves known bytes through a tunnel and checks them: SOCKS5 CONNECTs with the plain <see cref="Socks5Probe"/>,
/// echo round trips that send and receive at the same time (so no window or socket buffer can deadlock the test),
/// and half-close, where the client shuts down its send side and still expects every echoed byte and then EOF.
/// Every wait is bounded so that a hang fails the test with a message instead of stalling the run.
/// </summary>
public static class TunnelTraffic
{
    public const byte ReplySucceeded = 0x00;
    public const byte ReplyGeneralFailure = 0x01;
    public const byte ReplyNotAllowed = 0x02;
    public const byte ReplyHostUnreachable = 0x04;
    public const byte ReplyConnectionRefused = 0x05;

    private static readonly TimeSpan IoTimeout = TimeSpan.FromSeconds(60);

    /// <summary>Random bytes: a byte lost, duplicated or reordered anywhere changes the comparison.</summary>
    public static byte[] RandomBytes(int length)
    {
        var data = new byte[length];
        RandomNumberGenerator.Fill(data);
        return data;
    }

    /// <summary>SOCKS5 CONNECT to <paramref name="host"/> (an IP literal or a name sent unresolved); returns the reply code and the open probe.</summary>
    public static async Task<(byte Reply, Socks5Probe Probe)> RequestAsync(int socksPort, string host, int port)
    {
        var probe = await Socks5Probe.ConnectAsync(socksPort).ConfigureAwait(false);
        try
        {
            await probe.NegotiateAsync().ConfigureAwait(false);
            var reply = IPAddress.TryParse(host, out var address)
                ? await probe.RequestAsync(Socks5Probe.CommandConnect, address, port).ConfigureAwait(false)
                : await probe.RequestAsync(Socks5Probe.CommandConnect, host, port).ConfigureAwait(false);
            return (reply, probe);
        }
        catch
        {
            await probe.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>SOCKS5 CONNECT that must succeed; the probe's socket then carries the tunnelled bytes.</summary>
    public static async Task<Socks5Probe> OpenAsync(int socksPort, string host, int port)
    {
        var (reply, probe) = await RequestAsync(socksPort, host, port).ConfigureAwait(false);
        if (reply != ReplySucceeded)
        {
            await probe.DisposeAsync().ConfigureAwait(false);
            Assert.Fail($"SOCKS5 CONNECT through 127.0.0.1:{socksPort} answered 0x{reply:x2}, expected 0x00");
        }

        return probe;
    }

    /// <summary>SOCKS5 CONNECT whose reply code is all that matters; the connection is closed afterwards.</summary>
    public static async Task<byte> ReplyCodeAsync(int socksPort, string host, int port)
    {
        var (reply, probe) = await RequestAsync(socksPort, host, port).ConfigureAwait(false);
        await probe.DisposeAsync().ConfigureAwait(false);
        return reply;
    }

    /// <summary>A plain TCP connection to <paramref name="address"/> (default 127.0.0.1):<paramref name="port"/> (a -L listener, a -R listener).</summary>
    public static async Task<Socket> ConnectAsync(int port, IPAddress? address = null)
    {
        address ??= IPAddress.Loopback;
        var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        try
        {
            await socket.ConnectAsync(new IPEndPoint(address, port), cts.Token).ConfigureAwait(false);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Sends <paramref name="payload"/> to an echo target while reading the echo. With <paramref name="halfClose"/> the
    /// send side is shut down after the last byte and everything up to EOF is returned; otherwise exactly
    /// payload.Length bytes are read and the connection stays open.
    /// </summary>
    public static async Task<byte[]> EchoAsync(Socket socket, byte[] payload, bool halfClose)
    {
        using var cts = new CancellationTokenSource(IoTimeout);
        var send = SendAllAsync(socket, payload, halfClose, cts.Token);
        var receive = halfClose
            ? ReadToEndAsync(socket, cts.Token)
            : ReadExactlyAsync(socket, payload.Length, cts.Token);
        try
        {
            await Task.WhenAll(send, receive).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            Assert.Fail($"echo of {payload.Length} bytes did not complete within {IoTimeout.TotalSeconds:0} s");
        }

        return await receive.ConfigureAwait(false);
    }

    public static async Task SendAllAsync(Socket socket, ReadOnlyMemory<byte> data, bool shutdownAfter, CancellationToken ct)
    {
        while (!data.IsEmpty)
        {
            var n = await socket.SendAsync(data[..Math.Min(data.Length, 256 * 1024)], SocketFlags.None, ct).ConfigureAwait(false);
            data = data[n..];
        }

        if (shutdownAfter)
        {
            socket.Shutdown(SocketShutdown.Send);
        }
    }

    /// <summary>Reads until the peer closes its send side (EOF); a reset ends the read too and is reported as such.</summary>
    public static async Task<byte[]> ReadToEndAsync(Socket socket, CancellationToken ct)
    {
        var received = new MemoryStream();
        var buffer = new byte[64 * 1024];
        while (true)
        {
            int n;
            try
            {
                n = await socket.ReceiveAsync(buffer, SocketFlags.None, ct).ConfigureAwait(false);
            }
            catch (SocketException e)
            {
                throw new AssertionException($"the connection failed ({e.SocketErrorCode}) after {received.Length} bytes instead of ending with EOF");
            }

            if (n == 0)
            {
                return received.ToArray();
            }

            received.Write(buffer, 0, n);
        }
    }

    public static async Task<byte[]> ReadExactlyAsync(Socket socket, int count, CancellationToken ct)
    {
        var buffer = new byte[count];
        var read = 0;
        while (read < count)
        {
            var n = await socket.ReceiveAsync(buffer.AsMemory(read), SocketFlags.None, ct).ConfigureAwait(false);
            if (n == 0)
            {
                throw new AssertionException($"the connection closed after {read} of {count} bytes");
            }

            read += n;
        }

        return buffer;
    }

    /// <summary>
    /// Waits (bounded) until the peer ends the connection, by EOF or reset; fails if it stays open. For "closed at
    /// once" checks: the bound only turns a hang into a failure.
    /// </summary>
    public static async Task AssertClosedByPeerAsync(Socket socket, string what)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        var buffer = new byte[1024];
        try
        {
            while (await socket.ReceiveAsync(buffer, SocketFlags.None, cts.Token).ConfigureAwait(false) > 0)
            {
            }
        }
        catch (SocketException)
        {
            // A reset is a close too.
        }
        catch (OperationCanceledException)
        {
            Assert.Fail($"{what}: the connection was still open after 15 s");
        }
    }

    /// <summary>Sends an HTTP/1.0 GET (the server closes after the body) for <paramref name="path"/> on an open tunnel.</summary>
    public static async Task SendHttpGetAsync(Socket socket, string host, string path)
    {
        var request = System.Text.Encoding.ASCII.GetBytes($"GET /{path} HTTP/1.0\r\nHost: {host}\r\nConnection: close\r\n\r\n");
        using var cts = new CancellationTokenSource(IoTimeout);
        await SendAllAsync(socket, request, shutdownAfter: false, cts.Token).ConfigureAwait(false);
    }

    /// <summary>Reads an HTTP/1.0 response to EOF; returns the status line and the body's SHA-256 (lower-case hex).</summary>
    public static async Task<(string StatusLine, string Sha256, long BodyLength)> ReadHttpResponseAsync(Socket socket)
    {
        using var cts = new CancellationTokenSource(IoTimeout);
        byte[] response;
        try
        {
            response = await ReadToEndAsync(socket, cts.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            Assert.Fail($"the HTTP response did not end within {IoTimeout.TotalSeconds:0} s");
            throw;
        }

        var end = response.AsSpan().IndexOf("\r\n\r\n"u8);
        Assert.That(end, Is.GreaterThan(0), "no end of HTTP headers in the response");
        var headers = System.Text.Encoding.ASCII.GetString(response, 0, end);
        var body = response.AsSpan(end + 4);
        return (headers.Split("\r\n")[0], Convert.ToHexStringLower(SHA256.HashData(body)), body.Length);
    }

    /// <summary>Byte-exact comparison with a short message (length and first difference) instead of a megabyte dump.</summary>
    public static void AssertSameBytes(byte[] expected, byte[] actual, string what)
    {
        if (expected.AsSpan().SequenceEqual(actual))
        {
            return;
        }

        var common = Math.Min(expected.Length, actual.Length);
        var first = expected.AsSpan(0, common).CommonPrefixLength(actual.AsSpan(0, common));
        Assert.Fail($"{what}: sent {expected.Length} bytes, got back {actual.Length}; first difference at offset {first}");
    }
}
