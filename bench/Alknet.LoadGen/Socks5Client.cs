using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Alknet.LoadGen;

/// <summary>A SOCKS5 reply other than success (RFC 1928 §6), or an RFC 1929 / method failure mapped to a pseudo code.</summary>
internal sealed class Socks5ReplyException(int code) : Exception($"SOCKS5 reply 0x{code:x2}")
{
    /// <summary>RFC 1928 REP value; 0x100 = no acceptable method, 0x101 = RFC 1929 authentication failed.</summary>
    public int Code { get; } = code;
}

/// <summary>
/// The client side of RFC 1928 CONNECT with optional RFC 1929 username/password, written against nothing but
/// sockets so it measures any server. The request is pre-encoded once per run; a handshake allocates nothing.
/// </summary>
internal sealed class Socks5Client
{
    public const int NoAcceptableMethod = 0x100;
    public const int AuthenticationFailed = 0x101;

    private readonly EndPoint _proxy;
    private readonly byte[] _greeting;
    private readonly byte[]? _auth;
    private readonly byte[] _request;

    public Socks5Client(EndPoint proxy, EndPoint target, string? user, string? password)
    {
        _proxy = proxy;
        if (user is null)
        {
            _greeting = [0x05, 0x01, 0x00];
        }
        else
        {
            _greeting = [0x05, 0x01, 0x02];
            var u = Encoding.UTF8.GetBytes(user);
            var p = Encoding.UTF8.GetBytes(password ?? string.Empty);
            _auth = [0x01, (byte)u.Length, .. u, (byte)p.Length, .. p];
        }

        _request = EncodeConnect(target);
    }

    private static byte[] EncodeConnect(EndPoint target)
    {
        byte[] address;
        int port;
        switch (target)
        {
            case IPEndPoint ip:
                var bytes = ip.Address.GetAddressBytes();
                address = [ip.AddressFamily == AddressFamily.InterNetworkV6 ? (byte)0x04 : (byte)0x01, .. bytes];
                port = ip.Port;
                break;
            case DnsEndPoint dns:
                var name = Encoding.ASCII.GetBytes(dns.Host);
                address = [0x03, (byte)name.Length, .. name];
                port = dns.Port;
                break;
            default:
                throw new ArgumentException("unsupported endpoint", nameof(target));
        }

        var request = new byte[3 + address.Length + 2];
        request[0] = 0x05;
        request[1] = 0x01;
        address.CopyTo(request, 3);
        BinaryPrimitives.WriteUInt16BigEndian(request.AsSpan(request.Length - 2), (ushort)port);
        return request;
    }

    /// <summary>Connects to the proxy and completes method selection, authentication and CONNECT.</summary>
    public async Task<Socket> ConnectAsync(byte[] scratch, CancellationToken cancel)
    {
        var socket = new Socket(_proxy.AddressFamily == AddressFamily.Unspecified ? AddressFamily.InterNetwork : _proxy.AddressFamily, SocketType.Stream, ProtocolType.Tcp)
        {
            NoDelay = true,
        };
        try
        {
            await socket.ConnectAsync(_proxy, cancel).ConfigureAwait(false);
            await SendAllAsync(socket, _greeting, cancel).ConfigureAwait(false);
            await ReceiveExactlyAsync(socket, scratch.AsMemory(0, 2), cancel).ConfigureAwait(false);
            if (scratch[1] == 0xFF || scratch[1] != _greeting[2])
            {
                throw new Socks5ReplyException(NoAcceptableMethod);
            }

            if (_auth is not null)
            {
                await SendAllAsync(socket, _auth, cancel).ConfigureAwait(false);
                await ReceiveExactlyAsync(socket, scratch.AsMemory(0, 2), cancel).ConfigureAwait(false);
                if (scratch[1] != 0)
                {
                    throw new Socks5ReplyException(AuthenticationFailed);
                }
            }

            await SendAllAsync(socket, _request, cancel).ConfigureAwait(false);
            await ReceiveExactlyAsync(socket, scratch.AsMemory(0, 5), cancel).ConfigureAwait(false);
            if (scratch[1] != 0)
            {
                throw new Socks5ReplyException(scratch[1]);
            }

            // 5 bytes read: VER REP RSV ATYP + first address byte; the rest of BND.ADDR and BND.PORT follow.
            var rest = scratch[3] switch
            {
                0x01 => 4 - 1 + 2,
                0x04 => 16 - 1 + 2,
                0x03 => scratch[4] + 2,
                _ => throw new IOException($"reply with unknown ATYP 0x{scratch[3]:x2}"),
            };
            await ReceiveExactlyAsync(socket, scratch.AsMemory(0, rest), cancel).ConfigureAwait(false);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    public static async ValueTask SendAllAsync(Socket socket, ReadOnlyMemory<byte> data, CancellationToken cancel)
    {
        while (!data.IsEmpty)
        {
            var n = await socket.SendAsync(data, SocketFlags.None, cancel).ConfigureAwait(false);
            data = data[n..];
        }
    }

    public static async ValueTask ReceiveExactlyAsync(Socket socket, Memory<byte> buffer, CancellationToken cancel)
    {
        while (!buffer.IsEmpty)
        {
            var n = await socket.ReceiveAsync(buffer, SocketFlags.None, cancel).ConfigureAwait(false);
            if (n == 0)
            {
                throw new EndOfStreamException("connection closed by peer");
            }

            buffer = buffer[n..];
        }
    }
}
