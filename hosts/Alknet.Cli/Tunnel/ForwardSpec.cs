using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Alknet.Engine.Dialing;

namespace Alknet.Cli.Tunnel;

/// <summary>
/// A port forward in OpenSSH's -L/-R syntax (ssh(1), readconf.c parse_forward): <c>[bind_address:]port:host:hostport</c>.
/// IPv6 addresses go in brackets (<c>[::1]:8080:[2001:db8::1]:80</c>); an empty bind address or <c>*</c> means
/// all interfaces; port 0 is allowed only for -R, where the server picks the port. Unix socket forwards are not
/// supported.
/// </summary>
/// <remarks>
/// <see cref="Host"/>:<see cref="HostPort"/> is a tunnel destination, so <see cref="ToString"/> redacts it and no
/// parse error quotes it; <see cref="ToOpenSshSyntax"/> gives the full form for the round trip.
/// </remarks>
/// <param name="Direction">-L or -R.</param>
/// <param name="BindAddress">As written, without brackets; null when omitted, "" or "*" for all interfaces.</param>
/// <param name="BindPort">The listening port; 0 only for -R.</param>
/// <param name="Host">The target host (name or IP literal, without brackets).</param>
/// <param name="HostPort">The target port, 1-65535.</param>
internal sealed record ForwardSpec(ForwardDirection Direction, string? BindAddress, ushort BindPort, string Host, ushort HostPort)
{
    private const string Syntax = "expected [bind_address:]port:host:hostport";

    /// <summary>RFC 1035 §2.3.4: a host name is at most 255 octets (and SOCKS5 and direct-tcpip carry no more).</summary>
    private const int MaxHostLength = 255;

    /// <summary>Where a -L forward listens: 127.0.0.1 when no bind address is given (ssh without GatewayPorts
    /// binds loopback only), all interfaces for "" and "*".</summary>
    public IPEndPoint ListenEndPoint
    {
        get
        {
            if (Direction != ForwardDirection.Local) throw new InvalidOperationException("a remote forward listens on the server");
            IPAddress address = BindAddress switch
            {
                null => IPAddress.Loopback,
                "" or "*" => IPAddress.IPv6Any,
                _ when BindAddress.Equals("localhost", StringComparison.OrdinalIgnoreCase) => IPAddress.Loopback,
                _ => IPAddress.Parse(BindAddress),
            };
            return new IPEndPoint(address, BindPort);
        }
    }

    /// <summary>
    /// The "address to bind" of a -R tcpip-forward request (RFC 4254 §7.1). As OpenSSH's channel_rfwd_bind_host:
    /// omitted → "localhost" (the server listens on loopback only), "" or "*" → "" (all interfaces, if the server's
    /// GatewayPorts allows), anything else as written.
    /// </summary>
    public string RequestedBindAddress
    {
        get
        {
            if (Direction != ForwardDirection.Remote) throw new InvalidOperationException("a local forward listens here");
            return BindAddress switch
            {
                null => "localhost",
                "" or "*" => "",
                _ => BindAddress,
            };
        }
    }

    /// <summary>The target: for -L the direct-tcpip destination the server connects to, for -R what we connect to.</summary>
    public DialTarget Target => new(Host, HostPort);

    public static ForwardSpec Parse(string text, ForwardDirection direction) =>
        TryParse(text, direction, out var spec, out var error) ? spec : throw new FormatException(error);

    /// <summary>Parses <paramref name="text"/>; on failure <paramref name="error"/> says what is wrong without quoting the target.</summary>
    public static bool TryParse(string? text, ForwardDirection direction, [NotNullWhen(true)] out ForwardSpec? spec, out string error)
    {
        spec = null;
        if (string.IsNullOrEmpty(text))
        {
            error = $"empty forward specification; {Syntax}";
            return false;
        }
        foreach (var c in text)
        {
            if (char.IsWhiteSpace(c) || char.IsControl(c))
            {
                error = "the forward specification contains whitespace or control characters";
                return false;
            }
        }
        if (!TrySplit(text, out var fields, out error)) return false;
        foreach (var f in fields)
        {
            if (!f.Bracketed && f.Value.Contains('/'))
            {
                error = "Unix socket forwarding is not supported; " + Syntax;
                return false;
            }
        }
        switch (fields.Count)
        {
            case 1:
                error = direction == ForwardDirection.Local
                    ? $"a port alone is a dynamic (SOCKS) forward: alknet connect serves SOCKS5 on --socks5; {Syntax}"
                    : $"a port alone is a remote dynamic forward, which is not supported; {Syntax}";
                return false;
            case 2:
                error = $"missing the host or the host port; {Syntax}";
                return false;
            case > 4:
                error = $"too many ':'-separated fields; {Syntax}, with IPv6 addresses in brackets, as [2001:db8::1]";
                return false;
        }

        string? bind = null;
        if (fields.Count == 4)
        {
            if (!TryBindAddress(fields[0], direction, out bind, out error)) return false;
        }
        bool remote = direction == ForwardDirection.Remote;
        if (!TryPort(fields[^3], "listen port", allowZero: remote, out var bindPort, out error)) return false;
        if (!TryHost(fields[^2], out var host, out error)) return false;
        if (!TryPort(fields[^1], "host port", allowZero: false, out var hostPort, out error)) return false;
        spec = new ForwardSpec(direction, bind, bindPort, host, hostPort);
        return true;
    }

    /// <summary>The specification in OpenSSH syntax; <see cref="Parse"/> of it gives back an equal spec.</summary>
    public string ToOpenSshSyntax() =>
        (BindAddress is null ? "" : Bracket(BindAddress) + ":") + BindPort.ToString(CultureInfo.InvariantCulture) + ":" +
        Bracket(Host) + ":" + HostPort.ToString(CultureInfo.InvariantCulture);

    /// <summary>The listening side only: a forward's target is a tunnel destination and must not reach a log by accident.</summary>
    public override string ToString() =>
        (BindAddress is null ? "" : Bracket(BindAddress) + ":") + BindPort.ToString(CultureInfo.InvariantCulture) + ":<destination>";

    private static string Bracket(string address) => address.Contains(':') ? "[" + address + "]" : address;

    private readonly record struct Field(string Value, bool Bracketed);

    /// <summary>Splits on ':' outside brackets, as parse_fwd_field does; a bracketed field must be a whole field.</summary>
    private static bool TrySplit(string text, out List<Field> fields, out string error)
    {
        fields = [];
        error = "";
        int i = 0;
        while (true)
        {
            if (i < text.Length && text[i] == '[')
            {
                int close = text.IndexOf(']', i + 1);
                if (close < 0)
                {
                    error = "missing ']' after '['";
                    return false;
                }
                fields.Add(new Field(text[(i + 1)..close], true));
                i = close + 1;
                if (i < text.Length && text[i] != ':')
                {
                    error = "expected ':' after ']'";
                    return false;
                }
            }
            else
            {
                int colon = text.IndexOf(':', i);
                int end = colon < 0 ? text.Length : colon;
                var value = text[i..end];
                if (value.Contains('[') || value.Contains(']'))
                {
                    error = "brackets must enclose a whole field, as in [2001:db8::1]:80";
                    return false;
                }
                fields.Add(new Field(value, false));
                i = end;
            }
            if (i == text.Length) return true;
            i++; // the ':' separator; a trailing one leaves an empty last field
            if (i == text.Length)
            {
                fields.Add(new Field("", false));
                return true;
            }
        }
    }

    private static bool TryBindAddress(Field field, ForwardDirection direction, out string? bind, out string error)
    {
        bind = field.Value;
        error = "";
        if (field.Bracketed)
        {
            if (IsIPv6(field.Value)) return true;
            error = "brackets are for IPv6 addresses, and the bind address in brackets is not one";
            return false;
        }
        if (field.Value is "" or "*") return true;
        if (direction == ForwardDirection.Local)
        {
            // We bind it ourselves, without resolving names (a name could resolve to a public address).
            if (field.Value.Equals("localhost", StringComparison.OrdinalIgnoreCase) ||
                IsDottedQuad(field.Value)) return true;
            error = "the bind address must be an IP address, localhost, * or empty (IPv6 in brackets)";
            return false;
        }
        if (field.Value.Length > MaxHostLength)
        {
            error = $"the bind address is longer than {MaxHostLength} characters";
            return false;
        }
        return true;
    }

    private static bool TryHost(Field field, out string host, out string error)
    {
        host = field.Value;
        error = "";
        if (field.Bracketed && !IsIPv6(field.Value))
        {
            error = "brackets are for IPv6 addresses, and the host in brackets is not one";
            return false;
        }
        if (host.Length == 0)
        {
            error = $"the host is empty; {Syntax}";
            return false;
        }
        if (host.Length > MaxHostLength)
        {
            error = $"the host is longer than {MaxHostLength} characters";
            return false;
        }
        return true;
    }

    private static bool TryPort(Field field, string what, bool allowZero, out ushort port, out string error)
    {
        port = 0;
        error = "";
        string range = allowZero ? "0-65535; 0 lets the server choose" : "1-65535";
        if (field.Bracketed)
        {
            error = $"the {what} must not be in brackets";
            return false;
        }
        var text = field.Value;
        if (text.Length == 0)
        {
            error = $"the {what} is empty; {Syntax}";
            return false;
        }
        foreach (var c in text)
        {
            if (!char.IsAsciiDigit(c))
            {
                // Not quoted: in a garbled spec this field may well hold the target host.
                error = $"the {what} is not a number";
                return false;
            }
        }
        if (text.Length > 5 || !ushort.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out port))
        {
            error = $"the {what} {text} is out of range ({range})";
            return false;
        }
        if (port == 0 && !allowZero)
        {
            error = what == "listen port"
                ? "the listen port must be 1-65535 (port 0, where the server chooses, is only for --remote-forward)"
                : $"the {what} 0 is out of range ({range})";
            return false;
        }
        return true;
    }

    /// <summary>Four decimal octets; IPAddress.TryParse alone would also take "127.1" or "1".</summary>
    private static bool IsDottedQuad(string text) =>
        text.Count(c => c == '.') == 3 && IPAddress.TryParse(text, out var a) && a.AddressFamily == AddressFamily.InterNetwork;

    private static bool IsIPv6(string text) => IPAddress.TryParse(text, out var a) && a.AddressFamily == AddressFamily.InterNetworkV6;
}
