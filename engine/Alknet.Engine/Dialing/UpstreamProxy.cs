using System.Globalization;
using System.Net;
using System.Text;

namespace Alknet.Engine.Dialing;

/// <summary>
/// An upstream proxy given as a URL: <c>socks5://[user:pass@]host:port</c> or
/// <c>http://[user:pass@]host:port</c>. The user name and password are percent-decoded (RFC 3986 §2.1).
/// </summary>
/// <remarks>
/// Parse errors are <see cref="FormatException"/>s whose messages describe the problem without echoing the
/// URL, so a password can never leak into an error message or a log. <see cref="ToString"/> masks the password.
/// </remarks>
public sealed class UpstreamProxy
{
    public UpstreamProxy(UpstreamProxyKind kind, string host, ushort port, NetworkCredential? credentials = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(host);
        if (port == 0)
        {
            throw new ArgumentOutOfRangeException(nameof(port), "The port must be 1..65535.");
        }

        Kind = kind;
        Host = host;
        Port = port;
        Credentials = credentials;
    }

    public UpstreamProxyKind Kind { get; }

    /// <summary>Host name or IP literal (IPv6 without brackets).</summary>
    public string Host { get; }

    public ushort Port { get; }

    public NetworkCredential? Credentials { get; }

    public static UpstreamProxy Parse(string url)
    {
        ArgumentNullException.ThrowIfNull(url);
        return TryParse(url, out var proxy, out var error) ? proxy : throw new FormatException(error);
    }

    /// <summary>Parses <paramref name="url"/>; on failure <paramref name="error"/> says why, without the URL.</summary>
    public static bool TryParse(string? url, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out UpstreamProxy? proxy, out string? error)
    {
        proxy = null;
        if (string.IsNullOrWhiteSpace(url))
        {
            error = "The upstream proxy URL is empty.";
            return false;
        }

        var schemeEnd = url.IndexOf("://", StringComparison.Ordinal);
        if (schemeEnd <= 0)
        {
            error = "The upstream proxy URL must start with socks5:// or http://.";
            return false;
        }

        var scheme = url[..schemeEnd].ToLowerInvariant();
        UpstreamProxyKind kind;
        switch (scheme)
        {
            case "socks5":
            case "socks5h":
                kind = UpstreamProxyKind.Socks5;
                break;
            case "http":
                kind = UpstreamProxyKind.HttpConnect;
                break;
            default:
                error = scheme.All(c => char.IsAsciiLetterOrDigit(c) || c is '+' or '-' or '.')
                    ? $"Unsupported upstream proxy scheme '{scheme}': use socks5:// or http://."
                    : "The upstream proxy URL must start with socks5:// or http://.";
                return false;
        }

        var rest = url[(schemeEnd + 3)..];
        if (rest.EndsWith('/'))
        {
            rest = rest[..^1];
        }

        if (rest.IndexOfAny(['/', '?', '#']) >= 0)
        {
            error = "The upstream proxy URL must not have a path, query or fragment.";
            return false;
        }

        NetworkCredential? credentials = null;
        var at = rest.LastIndexOf('@');
        if (at >= 0)
        {
            var userInfo = rest[..at];
            rest = rest[(at + 1)..];
            var colon = userInfo.IndexOf(':');
            var rawUser = colon < 0 ? userInfo : userInfo[..colon];
            var rawPassword = colon < 0 ? string.Empty : userInfo[(colon + 1)..];
            if (!TryPercentDecode(rawUser, out var user) || user.Length == 0)
            {
                error = "The upstream proxy URL has an empty or badly percent-encoded user name.";
                return false;
            }

            if (!TryPercentDecode(rawPassword, out var password))
            {
                error = "The upstream proxy URL has a badly percent-encoded password.";
                return false;
            }

            credentials = new NetworkCredential(user, password);
        }

        if (!TrySplitHostPort(rest, out var host, out var port, out error))
        {
            return false;
        }

        proxy = new UpstreamProxy(kind, host, port, credentials);
        error = null;
        return true;
    }

    /// <summary>The URL with the password masked, safe to log.</summary>
    public override string ToString()
    {
        var scheme = Kind == UpstreamProxyKind.Socks5 ? "socks5" : "http";
        var host = Host.Contains(':', StringComparison.Ordinal) ? $"[{Host}]" : Host;
        var user = Credentials is null ? string.Empty : $"{Uri.EscapeDataString(Credentials.UserName)}:***@";
        return $"{scheme}://{user}{host}:{Port.ToString(CultureInfo.InvariantCulture)}";
    }

    private static bool TrySplitHostPort(string authority, out string host, out ushort port, out string? error)
    {
        host = string.Empty;
        port = 0;
        string portText;
        if (authority.StartsWith('['))
        {
            var close = authority.IndexOf(']');
            if (close < 0 || !IPAddress.TryParse(authority[1..close], out var v6)
                || v6.AddressFamily != System.Net.Sockets.AddressFamily.InterNetworkV6)
            {
                error = "The upstream proxy URL has an invalid bracketed IPv6 address.";
                return false;
            }

            host = authority[1..close];
            var after = authority[(close + 1)..];
            if (!after.StartsWith(':'))
            {
                error = "The upstream proxy URL must name a port (host:port).";
                return false;
            }

            portText = after[1..];
        }
        else
        {
            var colon = authority.LastIndexOf(':');
            if (colon < 0)
            {
                error = "The upstream proxy URL must name a port (host:port).";
                return false;
            }

            host = authority[..colon];
            portText = authority[(colon + 1)..];
            if (host.Length == 0 || host.Length > 255 || host.Contains(':', StringComparison.Ordinal) || !IsRegName(host))
            {
                error = "The upstream proxy URL has an invalid host name.";
                return false;
            }
        }

        if (portText.Length is 0 or > 5 || !portText.All(char.IsAsciiDigit)
            || !ushort.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out port) || port == 0)
        {
            error = "The upstream proxy URL has an invalid port (1..65535).";
            return false;
        }

        error = null;
        return true;
    }

    private static bool IsRegName(string host)
    {
        foreach (var c in host)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '-' or '.' or '_' or '~'))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>RFC 3986 §2.1 percent-decoding to UTF-8; a '%' not followed by two hex digits is an error.</summary>
    private static bool TryPercentDecode(string text, out string decoded)
    {
        decoded = string.Empty;
        var bytes = new List<byte>(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '%')
            {
                if (i + 2 >= text.Length || !char.IsAsciiHexDigit(text[i + 1]) || !char.IsAsciiHexDigit(text[i + 2]))
                {
                    return false;
                }

                bytes.Add(byte.Parse(text.AsSpan(i + 1, 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture));
                i += 2;
            }
            else if (c > 0x7E || c < 0x21)
            {
                return false;
            }
            else
            {
                bytes.Add((byte)c);
            }
        }

        try
        {
            decoded = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes.ToArray());
            return true;
        }
        catch (DecoderFallbackException)
        {
            return false;
        }
    }
}
