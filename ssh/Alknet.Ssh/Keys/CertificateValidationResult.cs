namespace Alknet.Ssh.Keys;

/// <summary>The outcome of validating a user certificate; <see cref="Reason"/> never names a tunnel destination.</summary>
public sealed class CertificateValidationResult
{
    private CertificateValidationResult(CertificateError error, string reason, bool permitPortForwarding, string? forceCommand)
    {
        Error = error;
        Reason = reason;
        PermitPortForwarding = permitPortForwarding;
        ForceCommand = forceCommand;
    }

    public bool IsValid => Error == CertificateError.None;
    public CertificateError Error { get; }
    public string Reason { get; }

    /// <summary>The certificate carries the permit-port-forwarding extension.</summary>
    public bool PermitPortForwarding { get; }

    /// <summary>The force-command critical option, recorded (the tunnel server runs no commands).</summary>
    public string? ForceCommand { get; }

    internal static CertificateValidationResult Fail(CertificateError error, string reason) => new(error, reason, false, null);
    internal static CertificateValidationResult Valid(bool forwarding, string? forceCommand) =>
        new(CertificateError.None, "certificate accepted", forwarding, forceCommand);
}
