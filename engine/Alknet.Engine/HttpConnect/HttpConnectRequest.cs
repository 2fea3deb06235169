using System.Buffers;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Alknet.Engine.Dialing;
using Alknet.Engine.Socks5;

namespace Alknet.Engine.HttpConnect;

/// <summary>
/// RFC 9110 §9.3.6 CONNECT request in authority-form (RFC 9112 §3.2.3):
/// <c>CONNECT host:port HTTP/1.1 CRLF Host: host:port CRLF [Proxy-Authorization: Basic ... CRLF] CRLF</c>.
/// </summary>
/// <remarks>
/// IPv6 literals are bracketed. Names are restricted to letters, digits, '-', '.', and '_' so that no
/// byte of the destination can inject a header line. Credentials use RFC 7617 Basic. <see cref="ToString"/>
/// is redacted.
/// </remarks>
public readonly record struct HttpConnectRequest(DialTarget Target, NetworkCredential? Credentials)
{
    public void Write(IBufferWriter<byte> output)
    {
        var authority = FormatAuthority(Target);
        var builder = new StringBuilder(128);
        builder.Append("CONNECT ").Append(authority).Append(" HTTP/1.1\r\nHost: ").Append(authority).Append("\r\n");
        if (Credentials is not null)
        {
            var pair = Encoding.UTF8.GetBytes($"{Credentials.UserName}:{Credentials.Password}");
            builder.Append("Proxy-Authorization: Basic ").Append(Convert.ToBase64String(pair)).Append("\r\n");
            System.Security.Cryptography.CryptographicOperations.ZeroMemory(pair);
        }

        builder.Append("\r\n");
        var text = builder.ToString();
        var span = output.GetSpan(Encoding.ASCII.GetByteCount(text));
        var written = Encoding.ASCII.GetBytes(text, span);
        output.Advance(written);
    }

    /// <summary>Redacted: the request names a tunnel destination.</summary>
    public override string ToString() => nameof(HttpConnectRequest);

    private static string FormatAuthority(DialTarget target)
    {
        var port = target.Port.ToString(CultureInfo.InvariantCulture);
        if (IPAddress.TryParse(target.Host, out var ip))
        {
            return ip.AddressFamily == AddressFamily.InterNetworkV6 ? $"[{ip}]:{port}" : $"{ip}:{port}";
        }

        if (target.Host.Length is 0 or > 255)
        {
            throw new DialException(Socks5ReplyCode.HostUnreachable, "The destination is not a valid host name.");
        }

        foreach (var c in target.Host)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '-' or '.' or '_'))
            {
                throw new DialException(Socks5ReplyCode.HostUnreachable, "The destination is not a valid host name.");
            }
        }

        return $"{target.Host}:{port}";
    }
}
