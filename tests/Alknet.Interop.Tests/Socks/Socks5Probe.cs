using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Alknet.Interop.Tests.Socks;

/// <summary>
/// A deliberately plain SOCKS5 client (RFC 1928, RFC 1929) written byte by byte in the test, independent of the
/// engine's own code, so that the wire answers of any SOCKS5 server can be checked exactly.
/// </summary>
public sealed class Socks5Probe : IAsyncDisposable
{
    public const byte MethodNone = 0x00;
    public const byte MethodUserPass = 0x02;
    public const byte CommandConnect = 0x01;
    public const byte CommandBind = 0x02;
    public const byte CommandUdpAssociate = 0x03;

    private static readonly TimeSpan IoTimeout = TimeSpan.FromSeconds(15);
    private readonly Socket _socket;

    private Socks5Probe(Socket socket) => _socket = socket;

    public Socket Socket => _socket;

    /// <summary>Local port of the probe's connection (what the server logs as the peer's port).</summary>
    public int LocalPort => ((IPEndPoint)_socket.LocalEndPoint!).Port;

    public static async Task<Socks5Probe> ConnectAsync(int proxyPort)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, proxyPort)).ConfigureAwait(false);
        return new Socks5Probe(socket);
    }

    /// <summary>RFC 1928 §3: offers the given methods, returns the method the server selected (0xFF = none acceptable).</summary>
    public async Task<byte> GreetAsync(params byte[] methods)
    {
        var greeting = new byte[2 + methods.Length];
        greeting[0] = 0x05;
        greeting[1] = (byte)methods.Length;
        methods.CopyTo(greeting, 2);
        await SendAsync(greeting).ConfigureAwait(false);
        var reply = await ReceiveExactlyAsync(2).ConfigureAwait(false);
        Assert.That(reply[0], Is.EqualTo(0x05), "method selection reply version");
        return reply[1];
    }

    /// <summary>RFC 1929 §2: sends username/password, returns the STATUS byte (0 = success).</summary>
    public async Task<byte> AuthenticateAsync(string user, string password)
    {
        var u = Encoding.UTF8.GetBytes(user);
        var p = Encoding.UTF8.GetBytes(password);
        var request = new byte[3 + u.Length + p.Length];
        request[0] = 0x01;
        request[1] = (byte)u.Length;
        u.CopyTo(request, 2);
        request[2 + u.Length] = (byte)p.Length;
        p.CopyTo(request, 3 + u.Length);
        await SendAsync(request).ConfigureAwait(false);
        var reply = await ReceiveExactlyAsync(2).ConfigureAwait(false);
        Assert.That(reply[0], Is.EqualTo(0x01), "RFC 1929 reply version");
        return reply[1];
    }

    /// <summary>Greets with "no authentication" (or user/pass when given) and completes authentication.</summary>
    public async Task NegotiateAsync(string? user = null, string? password = null)
    {
        var method = await GreetAsync(user is null ? MethodNone : MethodUserPass).ConfigureAwait(false);
        Assert.That(method, Is.EqualTo(user is null ? MethodNone : MethodUserPass), "selected method");
        if (user is not null)
        {
            Assert.That(await AuthenticateAsync(user, password!).ConfigureAwait(false), Is.Zero, "RFC 1929 status");
        }
    }

    /// <summary>RFC 1928 §4–§6: sends a request for an IP address, returns the REP byte.</summary>
    public Task<byte> RequestAsync(byte command, IPAddress address, int port)
    {
        var addr = address.GetAddressBytes();
        var request = new byte[4 + addr.Length + 2];
        request[0] = 0x05;
        request[1] = command;
        request[3] = address.AddressFamily == AddressFamily.InterNetworkV6 ? (byte)0x04 : (byte)0x01;
        addr.CopyTo(request, 4);
        request[^2] = (byte)(port >> 8);
        request[^1] = (byte)port;
        return SendRequestAsync(request);
    }

    /// <summary>RFC 1928 §4–§6: sends a request for a domain name (ATYP 3), returns the REP byte.</summary>
    public Task<byte> RequestAsync(byte command, string host, int port)
    {
        var name = Encoding.ASCII.GetBytes(host);
        var request = new byte[5 + name.Length + 2];
        request[0] = 0x05;
        request[1] = command;
        request[3] = 0x03;
        request[4] = (byte)name.Length;
        name.CopyTo(request, 5);
        request[^2] = (byte)(port >> 8);
        request[^1] = (byte)port;
        return SendRequestAsync(request);
    }

    private async Task<byte> SendRequestAsync(byte[] request)
    {
        await SendAsync(request).ConfigureAwait(false);
        var head = await ReceiveExactlyAsync(4).ConfigureAwait(false);
        Assert.That(head[0], Is.EqualTo(0x05), "reply version");
        var addressLength = head[3] switch
        {
            0x01 => 4,
            0x04 => 16,
            0x03 => (await ReceiveExactlyAsync(1).ConfigureAwait(false))[0],
            _ => throw new AssertionException($"reply carries unknown ATYP 0x{head[3]:x2}"),
        };
        await ReceiveExactlyAsync(addressLength + 2).ConfigureAwait(false);
        return head[1];
    }

    public async Task SendAsync(ReadOnlyMemory<byte> data)
    {
        using var cts = new CancellationTokenSource(IoTimeout);
        while (!data.IsEmpty)
        {
            var n = await _socket.SendAsync(data, SocketFlags.None, cts.Token).ConfigureAwait(false);
            data = data[n..];
        }
    }

    /// <summary>Reads exactly <paramref name="count"/> bytes; fails the test on EOF or when nothing arrives in time.</summary>
    public async Task<byte[]> ReceiveExactlyAsync(int count)
    {
        var buffer = new byte[count];
        var read = 0;
        using var cts = new CancellationTokenSource(IoTimeout);
        while (read < count)
        {
            int n;
            try
            {
                n = await _socket.ReceiveAsync(buffer.AsMemory(read), SocketFlags.None, cts.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                throw new AssertionException($"no answer from the SOCKS5 server within {IoTimeout.TotalSeconds:0} s ({read} of {count} bytes)");
            }
            catch (SocketException e)
            {
                throw new AssertionException($"connection to the SOCKS5 server failed after {read} of {count} bytes: {e.SocketErrorCode}");
            }

            if (n == 0)
            {
                throw new AssertionException($"the SOCKS5 server closed the connection after {read} of {count} bytes");
            }

            read += n;
        }

        return buffer;
    }

    /// <summary>Sends <paramref name="payload"/> through an established tunnel and returns what comes back (echo targets).</summary>
    public async Task<byte[]> EchoAsync(byte[] payload)
    {
        await SendAsync(payload).ConfigureAwait(false);
        return await ReceiveExactlyAsync(payload.Length).ConfigureAwait(false);
    }

    public ValueTask DisposeAsync()
    {
        _socket.Dispose();
        return ValueTask.CompletedTask;
    }
}
