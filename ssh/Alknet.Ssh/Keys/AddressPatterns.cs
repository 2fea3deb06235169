using System.Net;

namespace Alknet.Ssh.Keys;

/// <summary>
/// The address and host pattern matching of OpenSSH's match.c / addrmatch.c, without DNS: CIDR blocks
/// (IPv4 and IPv6), shell-style wildcards (* and ?), and pattern lists with negation (!).
/// </summary>
internal static class AddressPatterns
{
    /// <summary>Parses <c>address[/prefix]</c>; a bare address is a single host (/32, /128).</summary>
    public static bool TryParseCidr(ReadOnlySpan<char> text, out IPAddress network, out int prefix)
    {
        network = IPAddress.None;
        prefix = 0;
        int slash = text.IndexOf('/');
        var addressPart = slash < 0 ? text : text[..slash];
        if (addressPart.Contains('%') || !IPAddress.TryParse(addressPart, out var parsed)) return false;
        network = Normalize(parsed);
        int max = network.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128;
        if (slash < 0)
        {
            prefix = max;
            return true;
        }
        var prefixPart = text[(slash + 1)..];
        if (prefixPart.IsEmpty || prefixPart.Length > 3) return false;
        foreach (char c in prefixPart)
            if (c is < '0' or > '9') return false;
        prefix = int.Parse(prefixPart, System.Globalization.CultureInfo.InvariantCulture);
        return prefix <= max;
    }

    /// <summary>IPv4-mapped IPv6 addresses (::ffff:a.b.c.d, as dual-stack sockets report peers) compare as IPv4.</summary>
    public static IPAddress Normalize(IPAddress address) =>
        address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;

    public static bool CidrContains(IPAddress network, int prefix, IPAddress address)
    {
        address = Normalize(address);
        if (address.AddressFamily != network.AddressFamily) return false;
        Span<byte> a = stackalloc byte[16];
        Span<byte> n = stackalloc byte[16];
        address.TryWriteBytes(a, out int len);
        network.TryWriteBytes(n, out _);
        int full = prefix / 8;
        if (!a[..full].SequenceEqual(n[..full])) return false;
        int rest = prefix % 8;
        if (rest == 0 || full >= len) return true;
        int mask = 0xFF << (8 - rest) & 0xFF;
        return (a[full] & mask) == (n[full] & mask);
    }

    /// <summary>OpenSSH's match_pattern: '*' any run, '?' one character, compared case-insensitively.</summary>
    public static bool WildcardMatch(ReadOnlySpan<char> pattern, ReadOnlySpan<char> text)
    {
        int p = 0, t = 0, starP = -1, starT = 0;
        while (t < text.Length)
        {
            if (p < pattern.Length && (pattern[p] == '?' || char.ToLowerInvariant(pattern[p]) == char.ToLowerInvariant(text[t])))
            {
                p++;
                t++;
            }
            else if (p < pattern.Length && pattern[p] == '*')
            {
                starP = p++;
                starT = t;
            }
            else if (starP >= 0)
            {
                p = starP + 1;
                t = ++starT;
            }
            else
            {
                return false;
            }
        }
        while (p < pattern.Length && pattern[p] == '*') p++;
        return p == pattern.Length;
    }

    /// <summary>
    /// A comma-separated pattern list matched against a peer address (authorized_keys from=, without DNS, so
    /// host-name patterns are matched against the address text). 1 = a positive pattern matched and no negated
    /// one did, -1 = a negated pattern matched (deny), 0 = nothing matched.
    /// </summary>
    public static int MatchAddressList(string list, IPAddress peer)
    {
        peer = Normalize(peer);
        string text = peer.ToString();
        int result = 0;
        foreach (var raw in list.Split(','))
        {
            var pattern = raw.AsSpan().Trim();
            bool negated = pattern.StartsWith("!");
            if (negated) pattern = pattern[1..];
            if (pattern.IsEmpty) continue;
            bool match = pattern.Contains('/')
                ? TryParseCidr(pattern, out var net, out int prefix) && CidrContains(net, prefix, peer)
                : WildcardMatch(pattern, text);
            if (!match) continue;
            if (negated) return -1;
            result = 1;
        }
        return result;
    }

    /// <summary>Validates a from= pattern list at parse time (a malformed CIDR would otherwise never match).</summary>
    public static string? ValidateAddressList(string list)
    {
        foreach (var raw in list.Split(','))
        {
            var pattern = raw.AsSpan().Trim();
            if (pattern.StartsWith("!")) pattern = pattern[1..];
            if (pattern.IsEmpty) return "empty pattern";
            if (pattern.Contains('/') && !TryParseCidr(pattern, out _, out _)) return "invalid CIDR pattern '" + pattern.ToString() + "'";
        }
        return null;
    }

    /// <summary>
    /// A certificate's source-address option: a comma-separated list of CIDR blocks or addresses (no wildcards, no
    /// negation). Null when malformed, else whether <paramref name="peer"/> is in one of them.
    /// </summary>
    public static bool? MatchCidrList(string list, IPAddress peer)
    {
        bool any = false;
        foreach (var raw in list.Split(','))
        {
            var entry = raw.AsSpan().Trim();
            if (!TryParseCidr(entry, out var net, out int prefix)) return null;
            if (CidrContains(net, prefix, peer)) any = true;
        }
        return any;
    }
}
