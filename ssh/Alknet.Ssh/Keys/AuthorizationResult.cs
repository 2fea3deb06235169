namespace Alknet.Ssh.Keys;

/// <summary>The server's answer for one presented key: allowed with forwarding permissions, or denied with a reason.</summary>
public sealed class AuthorizationResult
{
    private AuthorizationResult(bool allowed, string reason, ForwardingPermissions permissions, AuthorizedKeyEntry? entry, CertificateError certificateError)
    {
        Allowed = allowed;
        Reason = reason;
        Permissions = permissions;
        Entry = entry;
        CertificateError = certificateError;
    }

    public bool Allowed { get; }

    /// <summary>Why: safe to log (key fingerprints, line numbers, peer address; never a tunnel destination).</summary>
    public string Reason { get; }

    /// <summary>Forwarding rights; <see cref="ForwardingPermissions.None"/> when denied.</summary>
    public ForwardingPermissions Permissions { get; }

    /// <summary>The authorized_keys line that matched (null for a certificate accepted by the CA keys file).</summary>
    public AuthorizedKeyEntry? Entry { get; }

    /// <summary>For a refused certificate, the validator's verdict (None otherwise).</summary>
    public CertificateError CertificateError { get; }

    internal static AuthorizationResult Allow(string reason, ForwardingPermissions permissions, AuthorizedKeyEntry? entry) =>
        new(true, reason, permissions, entry, CertificateError.None);

    internal static AuthorizationResult Deny(string reason, CertificateError error = CertificateError.None) =>
        new(false, reason, ForwardingPermissions.None, null, error);
}
