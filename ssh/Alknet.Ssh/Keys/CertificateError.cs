namespace Alknet.Ssh.Keys;

/// <summary>Why a certificate was refused (one value per check of <see cref="CertificateValidator"/>).</summary>
public enum CertificateError
{
    None = 0,
    NotUserCertificate,
    SignedByCertificate,
    UntrustedCertificateAuthority,
    BadSignature,
    NotYetValid,
    Expired,
    NoPrincipals,
    PrincipalNotAllowed,
    DuplicateCriticalOption,
    UnknownCriticalOption,
    VerifyRequired,
    MalformedSourceAddress,
    SourceAddressMismatch,
}
