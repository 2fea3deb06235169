using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Alknet.Ssh.Keys;

/// <summary>The verdict on a server's host key.</summary>
public enum KnownHostsResult
{
    /// <summary>A line for this host lists exactly this key.</summary>
    Match,

    /// <summary>The host is known with other keys only: the key changed (possible man in the middle).</summary>
    Mismatch,

    /// <summary>No line names this host.</summary>
    Unknown,

    /// <summary>The key is marked @revoked.</summary>
    Revoked,
}

/// <summary>The marker at the start of a known_hosts line.</summary>
public enum KnownHostsMarker
{
    None,
    CertAuthority,
    Revoked,
}

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

/// <summary>
/// OpenSSH's known_hosts file (sshd(8) SSH_KNOWN_HOSTS FILE FORMAT): <c>[@marker] hostpatterns keytype base64
/// [comment]</c>. Host patterns are comma-separated with * and ? wildcards and ! negation; a non-22 port is written
/// <c>[host]:port</c>; hashed names are <c>|1|salt|hmac</c>. Lines we cannot use (unsupported key types, malformed
/// lines) are skipped, as ssh does, and listed in <see cref="Warnings"/>.
/// </summary>
public sealed class KnownHostsFile
{
    private KnownHostsFile(IReadOnlyList<KnownHostsEntry> entries, IReadOnlyList<string> warnings)
    {
        Entries = entries;
        Warnings = warnings;
    }

    public IReadOnlyList<KnownHostsEntry> Entries { get; }
    public IReadOnlyList<string> Warnings { get; }

    /// <summary>Reads a known_hosts file; a missing file is an empty one.</summary>
    public static KnownHostsFile Load(string path) => File.Exists(path) ? Parse(File.ReadAllText(path)) : Parse("");

    public static KnownHostsFile Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var entries = new List<KnownHostsEntry>();
        var warnings = new List<string>();
        int lineNumber = 0;
        foreach (var raw in text.Split('\n'))
        {
            lineNumber++;
            var line = raw.Trim();
            if (line.Length == 0 || line[0] == '#') continue;
            var marker = KnownHostsMarker.None;
            if (line[0] == '@')
            {
                int sp = line.IndexOfAny([' ', '\t']);
                string m = sp < 0 ? line : line[..sp];
                marker = m switch
                {
                    "@revoked" => KnownHostsMarker.Revoked,
                    "@cert-authority" => KnownHostsMarker.CertAuthority,
                    _ => (KnownHostsMarker)(-1),
                };
                if ((int)marker < 0 || sp < 0)
                {
                    warnings.Add("line " + lineNumber + ": unknown marker skipped");
                    continue;
                }
                line = line[sp..].TrimStart();
            }
            int hostEnd = line.IndexOfAny([' ', '\t']);
            if (hostEnd < 0)
            {
                warnings.Add("line " + lineNumber + ": no key");
                continue;
            }
            string hosts = line[..hostEnd];
            try
            {
                var key = SshPublicKey.ParseOpenSshLine(line[hostEnd..], out var comment);
                entries.Add(new KnownHostsEntry(lineNumber, marker, hosts, key, comment));
            }
            catch (FormatException e)
            {
                warnings.Add("line " + lineNumber + ": " + e.Message);
            }
        }
        return new KnownHostsFile(entries, warnings);
    }

    /// <summary>The name known_hosts uses for host:port: the host for port 22, else <c>[host]:port</c>; lower case.</summary>
    public static string LookupName(string host, int port)
    {
        ArgumentNullException.ThrowIfNull(host);
        host = PermitOpen.StripBrackets(host).ToLowerInvariant();
        return port == 22 ? host : "[" + host + "]:" + port.ToString(CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// Checks a server's host key. @revoked wins over everything; then an exact match; a host known only with other
    /// keys is a mismatch (the client must refuse and must not append).
    /// </summary>
    public KnownHostsResult Check(string host, int port, SshPublicKey key)
    {
        ArgumentNullException.ThrowIfNull(key);
        string name = LookupName(host, port);
        bool known = false, matched = false;
        foreach (var e in Entries)
        {
            if (e.Marker == KnownHostsMarker.Revoked)
            {
                // A revoked key is refused whatever host presents it (and a revoked CA key for its certificates).
                if (e.Key.BlobEquals(key) || (key is SshCertificate c && e.Key.BlobEquals(c.SignatureKey)))
                    return KnownHostsResult.Revoked;
                continue;
            }
            if (e.Marker != KnownHostsMarker.None || !e.MatchesHost(name)) continue;
            known = true;
            if (e.Key.BlobEquals(key)) matched = true;
        }
        if (matched) return KnownHostsResult.Match;
        return known ? KnownHostsResult.Mismatch : KnownHostsResult.Unknown;
    }

    /// <summary>The key types known for a host (so a client can prefer those host key algorithms).</summary>
    public IReadOnlyList<string> KnownKeyTypes(string host, int port)
    {
        string name = LookupName(host, port);
        var types = new List<string>();
        foreach (var e in Entries)
            if (e.Marker == KnownHostsMarker.None && e.MatchesHost(name) && !types.Contains(e.Key.KeyType))
                types.Add(e.Key.KeyType);
        return types;
    }

    /// <summary>Appends a plain (unhashed) line for host:port (accept-new), creating the file (0644) if needed.</summary>
    public static void Append(string path, string host, int port, SshPublicKey key)
    {
        ArgumentNullException.ThrowIfNull(key);
        string line = LookupName(host, port) + " " + key.ToOpenSshLine();
        bool needsNewline = false;
        if (File.Exists(path))
        {
            using var existing = new FileStream(path, FileMode.Open, FileAccess.Read);
            if (existing.Length > 0)
            {
                existing.Seek(-1, SeekOrigin.End);
                needsNewline = existing.ReadByte() != '\n';
            }
        }
        var options = new FileStreamOptions { Mode = FileMode.Append, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = KeyFiles.PublicMode;
        using var stream = new FileStream(path, options);
        using var writer = new StreamWriter(stream);
        writer.Write((needsNewline ? "\n" : "") + line + "\n");
    }
}
