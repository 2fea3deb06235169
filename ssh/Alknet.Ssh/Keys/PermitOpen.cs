namespace Alknet.Ssh.Keys;

/// <summary>
/// One authorized_keys <c>permitopen="host:port"</c> rule (sshd(8) AUTHORIZED_KEYS FILE FORMAT): the only
/// direct-tcpip targets allowed. Hosts are compared literally (no DNS), case-insensitively; "*" as host or port
/// means any. IPv6 hosts are written in brackets and stored without them.
/// </summary>
public readonly record struct PermitOpen(string Host, int Port)
{
    public const int AnyPort = -1;
    public const string AnyHost = "*";

    public bool Matches(string host, ushort port) =>
        (Port == AnyPort || Port == port) &&
        (Host == AnyHost || string.Equals(Host, StripBrackets(host), StringComparison.OrdinalIgnoreCase));

    internal static string StripBrackets(string host) =>
        host.Length >= 2 && host[0] == '[' && host[^1] == ']' ? host[1..^1] : host;

    /// <summary>Parses <c>host:port</c>, <c>[v6]:port</c>; port may be "*". Null when malformed.</summary>
    internal static PermitOpen? TryParse(string text, bool hostOptional)
    {
        string host;
        string port;
        if (text.StartsWith('['))
        {
            int close = text.IndexOf(']', StringComparison.Ordinal);
            if (close < 0 || close + 1 >= text.Length || text[close + 1] != ':') return null;
            host = text[1..close];
            port = text[(close + 2)..];
        }
        else
        {
            int colon = text.LastIndexOf(':');
            if (colon < 0)
            {
                if (!hostOptional) return null;
                host = AnyHost;
                port = text;
            }
            else
            {
                host = text[..colon];
                port = text[(colon + 1)..];
                if (host.Contains(':', StringComparison.Ordinal)) return null; // an IPv6 host needs brackets
            }
        }
        if (host.Length == 0) return null;
        if (port == "*") return new PermitOpen(host, AnyPort);
        if (port.Length is 0 or > 5) return null;
        foreach (char c in port)
            if (c is < '0' or > '9') return null;
        int p = int.Parse(port, System.Globalization.CultureInfo.InvariantCulture);
        if (p is < 1 or > 65535) return null;
        return new PermitOpen(host, p);
    }
}
