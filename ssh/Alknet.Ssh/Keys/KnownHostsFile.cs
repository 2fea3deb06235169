using System.Globalization;

namespace Alknet.Ssh.Keys;

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
    /// keys is a mismatch (the client must refuse and must not append). A host certificate matches when an
    /// @cert-authority line for the host names its CA and the certificate is a valid host certificate for the host
    /// name at <paramref name="now"/> (default: the current time); otherwise its plain key is checked, as ssh does.
    /// </summary>
    public KnownHostsResult Check(string host, int port, SshPublicKey key, DateTimeOffset? now = null)
    {
        ArgumentNullException.ThrowIfNull(key);
        string name = LookupName(host, port);
        var certificate = key as SshCertificate;
        var plain = certificate?.Key ?? key;
        bool known = false, matched = false;
        foreach (var e in Entries)
        {
            if (e.Marker == KnownHostsMarker.Revoked)
            {
                // A revoked key is refused whatever host presents it (and a revoked CA key for its certificates).
                if (e.Key.BlobEquals(plain) || (certificate is not null && e.Key.BlobEquals(certificate.SignatureKey)))
                    return KnownHostsResult.Revoked;
                continue;
            }
            if (!e.MatchesHost(name)) continue;
            if (e.Marker == KnownHostsMarker.CertAuthority)
            {
                if (certificate is not null && e.Key.BlobEquals(certificate.SignatureKey) &&
                    IsValidHostCertificate(certificate, PermitOpen.StripBrackets(host).ToLowerInvariant(), now ?? DateTimeOffset.UtcNow))
                    matched = true;
                continue;
            }
            known = true;
            if (e.Key.BlobEquals(plain)) matched = true;
        }
        if (matched) return KnownHostsResult.Match;
        return known ? KnownHostsResult.Mismatch : KnownHostsResult.Unknown;
    }

    /// <summary>PROTOCOL.certkeys host certificate: type host, in its validity window, host name among its principals,
    /// CA signature valid (no SHA-1), and no critical options (none are defined for host certificates).</summary>
    private static bool IsValidHostCertificate(SshCertificate cert, string hostName, DateTimeOffset now)
    {
        if (cert.CertificateType != SshCertificateType.Host || cert.SignatureKey is SshCertificate) return false;
        long t = now.ToUnixTimeSeconds();
        if (t < 0 || (ulong)t < cert.ValidAfter || (ulong)t >= cert.ValidBefore) return false;
        if (cert.CriticalOptions.Count != 0) return false;
        bool principal = false;
        foreach (var p in cert.Principals)
            if (string.Equals(p, hostName, StringComparison.OrdinalIgnoreCase)) principal = true;
        if (!principal) return false;
        if (!SshSignature.TryParse(cert.Signature.Span, out var alg, out _) || alg == SshKeyAlgorithms.Rsa) return false;
        return cert.VerifyCaSignature();
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

    /// <summary>
    /// Appends a plain (unhashed) line for host:port (accept-new), creating the file if needed with
    /// <paramref name="createMode"/> (default 0644, what ssh gets under the usual umask 022).
    /// </summary>
    public static void Append(string path, string host, int port, SshPublicKey key, UnixFileMode createMode = KeyFiles.PublicMode)
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
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = createMode;
        using var stream = new FileStream(path, options);
        using var writer = new StreamWriter(stream);
        writer.Write((needsNewline ? "\n" : "") + line + "\n");
    }
}
