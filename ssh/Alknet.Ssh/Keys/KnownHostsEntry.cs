using System.Security.Cryptography;
using System.Text;

namespace Alknet.Ssh.Keys;

/// <summary>One known_hosts line.</summary>
public sealed class KnownHostsEntry
{
    internal KnownHostsEntry(int lineNumber, KnownHostsMarker marker, string hostPatterns, SshPublicKey key, string? comment)
    {
        LineNumber = lineNumber;
        Marker = marker;
        HostPatterns = hostPatterns;
        Key = key;
        Comment = comment;
    }

    public int LineNumber { get; }
    public KnownHostsMarker Marker { get; }

    /// <summary>The host field as written: patterns, or a hashed name <c>|1|salt|hmac</c>.</summary>
    public string HostPatterns { get; }
    public SshPublicKey Key { get; }
    public string? Comment { get; }

    /// <summary>Does this line name <paramref name="lookupName"/> (host, or [host]:port)?</summary>
    public bool MatchesHost(string lookupName)
    {
        if (HostPatterns.StartsWith("|1|", StringComparison.Ordinal)) return MatchesHashed(HostPatterns, lookupName);
        bool matched = false;
        foreach (var raw in HostPatterns.Split(','))
        {
            var pattern = raw.AsSpan();
            bool negated = pattern.StartsWith("!");
            if (negated) pattern = pattern[1..];
            if (!AddressPatterns.WildcardMatch(pattern, lookupName)) continue;
            if (negated) return false; // a negated match excludes the host whatever else matches
            matched = true;
        }
        return matched;
    }

    /// <summary>HashKnownHosts form: <c>|1|base64(salt)|base64(HMAC-SHA1(salt, name))</c>.</summary>
    private static bool MatchesHashed(string field, string lookupName)
    {
        var parts = field.Split('|');
        if (parts.Length != 4) return false;
        byte[] salt, expected;
        try
        {
            salt = Convert.FromBase64String(parts[2]);
            expected = Convert.FromBase64String(parts[3]);
        }
        catch (FormatException)
        {
            return false;
        }
        // HMAC-SHA1 is fixed by OpenSSH's HashKnownHosts format; it only obscures names, it protects no secret.
#pragma warning disable CA5350
        var actual = HMACSHA1.HashData(salt, Encoding.UTF8.GetBytes(lookupName));
#pragma warning restore CA5350
        return CryptographicOperations.FixedTimeEquals(actual, expected);
    }
}
