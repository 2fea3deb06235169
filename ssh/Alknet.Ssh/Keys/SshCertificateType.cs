namespace Alknet.Ssh.Keys;

/// <summary>The certificate type field of PROTOCOL.certkeys.</summary>
public enum SshCertificateType : uint
{
    User = 1,
    Host = 2,
}
