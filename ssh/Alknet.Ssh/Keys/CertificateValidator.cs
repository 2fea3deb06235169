using System.Net;

namespace Alknet.Ssh.Keys;

/// <summary>
/// Checks a user certificate (PROTOCOL.certkeys) the way sshd does for TrustedUserCAKeys and authorized_keys
/// cert-authority lines: signature_key is a plain key equal to a trusted CA, the CA signature covers everything up
/// to and including signature_key, the type is user, the validity window contains "now", one principal is
/// acceptable, and the critical options are all understood: source-address must match the peer, verify-required
/// (FIDO user verification) cannot be honoured and is refused, unknown or repeated options are refused.
/// </summary>
public sealed class CertificateValidator
{
    public const string SourceAddressOption = "source-address";
    public const string ForceCommandOption = "force-command";
    public const string VerifyRequiredOption = "verify-required";
    public const string PermitPortForwardingExtension = "permit-port-forwarding";

    private readonly SshPublicKey[] _trustedAuthorities;

    public CertificateValidator(IEnumerable<SshPublicKey> trustedAuthorities)
    {
        ArgumentNullException.ThrowIfNull(trustedAuthorities);
        _trustedAuthorities = [.. trustedAuthorities];
    }

    /// <summary>
    /// Validates <paramref name="certificate"/> for a login from <paramref name="peer"/> at <paramref name="now"/>.
    /// At least one certificate principal must be in <paramref name="acceptablePrincipals"/> (the user name, or the
    /// principals= list of a cert-authority line).
    /// </summary>
    public CertificateValidationResult Validate(
        SshCertificate certificate, IReadOnlyCollection<string> acceptablePrincipals, IPAddress peer, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        ArgumentNullException.ThrowIfNull(acceptablePrincipals);
        ArgumentNullException.ThrowIfNull(peer);

        if (certificate.SignatureKey is SshCertificate)
            return CertificateValidationResult.Fail(CertificateError.SignedByCertificate, "certificate is signed by another certificate");
        bool trusted = false;
        foreach (var ca in _trustedAuthorities)
            if (ca.BlobEquals(certificate.SignatureKey)) { trusted = true; break; }
        if (!trusted)
            return CertificateValidationResult.Fail(CertificateError.UntrustedCertificateAuthority,
                "certificate signed by untrusted CA " + certificate.SignatureKey.Fingerprint);
        if (!SshSignature.TryParse(certificate.Signature.Span, out var sigAlg, out _))
            return CertificateValidationResult.Fail(CertificateError.BadSignature, "certificate signature is malformed");
        if (sigAlg == SshKeyAlgorithms.Rsa)
            return CertificateValidationResult.Fail(CertificateError.BadSignature, "certificate signed with refused algorithm ssh-rsa (SHA-1)");
        if (!certificate.VerifyCaSignature())
            return CertificateValidationResult.Fail(CertificateError.BadSignature, "certificate signature does not verify");

        if (certificate.CertificateType != SshCertificateType.User)
            return CertificateValidationResult.Fail(CertificateError.NotUserCertificate,
                "certificate is not a user certificate (type " + (uint)certificate.CertificateType + ")");

        long seconds = now.ToUnixTimeSeconds();
        ulong t = seconds < 0 ? 0 : (ulong)seconds;
        if (t < certificate.ValidAfter)
            return CertificateValidationResult.Fail(CertificateError.NotYetValid, "certificate is not yet valid (valid after " + FormatTime(certificate.ValidAfter) + ")");
        if (t >= certificate.ValidBefore)
            return CertificateValidationResult.Fail(CertificateError.Expired, "certificate expired (valid before " + FormatTime(certificate.ValidBefore) + ")");

        if (certificate.Principals.Count == 0)
            return CertificateValidationResult.Fail(CertificateError.NoPrincipals, "certificate lists no principals");
        bool principalOk = false;
        foreach (var p in certificate.Principals)
        {
            foreach (var acceptable in acceptablePrincipals)
                if (string.Equals(p, acceptable, StringComparison.Ordinal)) { principalOk = true; break; }
            if (principalOk) break;
        }
        if (!principalOk)
            return CertificateValidationResult.Fail(CertificateError.PrincipalNotAllowed, "certificate principals do not include an allowed name");

        string? forceCommand = null;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (name, value) in certificate.CriticalOptions)
        {
            if (!seen.Add(name))
                return CertificateValidationResult.Fail(CertificateError.DuplicateCriticalOption, "certificate repeats critical option " + SshPublicKey.Printable(name));
            switch (name)
            {
                case SourceAddressOption:
                    switch (AddressPatterns.MatchCidrList(value, peer))
                    {
                        case null:
                            return CertificateValidationResult.Fail(CertificateError.MalformedSourceAddress, "certificate source-address is malformed");
                        case false:
                            return CertificateValidationResult.Fail(CertificateError.SourceAddressMismatch,
                                "connection from " + AddressPatterns.Normalize(peer) + " is not in the certificate's source-address list");
                    }
                    break;
                case ForceCommandOption:
                    forceCommand = value;
                    break;
                case VerifyRequiredOption:
                    return CertificateValidationResult.Fail(CertificateError.VerifyRequired, "certificate requires FIDO user verification (verify-required), which is not supported");
                default:
                    return CertificateValidationResult.Fail(CertificateError.UnknownCriticalOption, "certificate has unknown critical option " + SshPublicKey.Printable(name));
            }
        }

        bool forwarding = false;
        foreach (var (name, _) in certificate.Extensions)
            if (name == PermitPortForwardingExtension) forwarding = true;
        return CertificateValidationResult.Valid(forwarding, forceCommand);
    }

    private static string FormatTime(ulong seconds) =>
        seconds > 253402300799UL ? "forever" : DateTimeOffset.FromUnixTimeSeconds((long)seconds).ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture);
}
