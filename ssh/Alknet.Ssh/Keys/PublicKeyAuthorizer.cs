using System.Net;

namespace Alknet.Ssh.Keys;

/// <summary>
/// The single decision point for publickey authentication (RFC 4252 §7). A plain key is matched by blob against the
/// authorized_keys lines without cert-authority; a certificate is validated against the cert-authority lines (with
/// principals= when given, else the user name) and against the trusted CA keys file (the user name must be a
/// principal). from= and expiry-time apply to the matched line. Forwarding rights merge the line's options with
/// the certificate's extensions, keeping the stricter. Call it only for the key that actually signed.
/// </summary>
public sealed class PublicKeyAuthorizer
{
    private readonly AuthorizedKeysFile _authorizedKeys;
    private readonly SshPublicKey[] _trustedCaKeys;

    public PublicKeyAuthorizer(AuthorizedKeysFile authorizedKeys, IReadOnlyList<SshPublicKey>? trustedCaKeys = null)
    {
        ArgumentNullException.ThrowIfNull(authorizedKeys);
        _authorizedKeys = authorizedKeys;
        _trustedCaKeys = trustedCaKeys is null ? [] : [.. trustedCaKeys];
        foreach (var ca in _trustedCaKeys)
            if (ca is SshCertificate) throw new ArgumentException("a certificate cannot be a trusted CA key", nameof(trustedCaKeys));
    }

    /// <summary>Parses a CA keys file: one public key line per CA, '#' comments and blank lines ignored.</summary>
    public static IReadOnlyList<SshPublicKey> ParseCaKeys(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var keys = new List<SshPublicKey>();
        int lineNumber = 0;
        foreach (var raw in text.Split('\n'))
        {
            lineNumber++;
            var line = raw.Trim();
            if (line.Length == 0 || line[0] == '#') continue;
            SshPublicKey key;
            try { key = SshPublicKey.ParseOpenSshLine(line); }
            catch (FormatException e) { throw new AuthorizedKeysFormatException(lineNumber, e.Message); }
            if (key is SshCertificate) throw new AuthorizedKeysFormatException(lineNumber, "a certificate cannot be a CA key");
            keys.Add(key);
        }
        return keys;
    }

    public AuthorizationResult Authorize(string user, SshPublicKey presented, IPAddress peer, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(user);
        ArgumentNullException.ThrowIfNull(presented);
        ArgumentNullException.ThrowIfNull(peer);
        return presented is SshCertificate cert ? AuthorizeCertificate(user, cert, peer, now) : AuthorizeKey(presented, peer, now);
    }

    private AuthorizationResult AuthorizeKey(SshPublicKey key, IPAddress peer, DateTimeOffset now)
    {
        string? lastReason = null;
        foreach (var entry in _authorizedKeys.Entries)
        {
            if (entry.Options.CertAuthority || !entry.Key.BlobEquals(key)) continue;
            if (CheckLine(entry, peer, now) is { } refusal)
            {
                lastReason = refusal;
                continue; // sshd keeps looking: another line may list the same key with other options
            }
            var o = entry.Options;
            return AuthorizationResult.Allow("key " + key.Fingerprint + " matched line " + entry.LineNumber,
                new ForwardingPermissions(o.AllowPortForwarding, o.PermitOpen, o.PermitListen), entry);
        }
        return AuthorizationResult.Deny(lastReason ?? "key " + key.Fingerprint + " is not in authorized_keys");
    }

    private static string? CheckLine(AuthorizedKeyEntry entry, IPAddress peer, DateTimeOffset now)
    {
        if (entry.Options.IsExpired(now)) return "authorized_keys line " + entry.LineNumber + " expired (expiry-time)";
        if (!entry.Options.IsFromAllowed(peer))
            return "connection from " + AddressPatterns.Normalize(peer) + " not allowed by from= on authorized_keys line " + entry.LineNumber;
        return null;
    }

    private AuthorizationResult AuthorizeCertificate(string user, SshCertificate cert, IPAddress peer, DateTimeOffset now)
    {
        string[] userOnly = [user];
        AuthorizationResult? failure = null;

        foreach (var entry in _authorizedKeys.Entries)
        {
            if (!entry.Options.CertAuthority || !entry.Key.BlobEquals(cert.SignatureKey)) continue;
            if (CheckLine(entry, peer, now) is { } refusal)
            {
                failure = AuthorizationResult.Deny(refusal);
                continue;
            }
            var principals = entry.Options.Principals ?? userOnly;
            var verdict = new CertificateValidator([entry.Key]).Validate(cert, [.. principals], peer, now);
            if (!verdict.IsValid)
            {
                failure = AuthorizationResult.Deny(verdict.Reason + " (authorized_keys line " + entry.LineNumber + ")", verdict.Error);
                continue;
            }
            var o = entry.Options;
            return AuthorizationResult.Allow(
                "certificate " + cert.Key.Fingerprint + " id \"" + cert.KeyId + "\" signed by CA on authorized_keys line " + entry.LineNumber,
                new ForwardingPermissions(o.AllowPortForwarding && verdict.PermitPortForwarding, o.PermitOpen, o.PermitListen), entry);
        }

        if (_trustedCaKeys.Length > 0)
        {
            var verdict = new CertificateValidator(_trustedCaKeys).Validate(cert, userOnly, peer, now);
            if (verdict.IsValid)
                return AuthorizationResult.Allow(
                    "certificate " + cert.Key.Fingerprint + " id \"" + cert.KeyId + "\" signed by trusted CA " + cert.SignatureKey.Fingerprint,
                    new ForwardingPermissions(verdict.PermitPortForwarding, [], []), null);
            // A more specific failure from an authorized_keys CA line is more useful than "untrusted CA" here.
            if (failure is null || verdict.Error != CertificateError.UntrustedCertificateAuthority)
                failure = AuthorizationResult.Deny(verdict.Reason, verdict.Error);
        }

        return failure ?? AuthorizationResult.Deny(
            "certificate signed by untrusted CA " + cert.SignatureKey.Fingerprint, CertificateError.UntrustedCertificateAuthority);
    }
}
