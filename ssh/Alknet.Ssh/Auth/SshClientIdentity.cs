using Alknet.Ssh.Keys;

namespace Alknet.Ssh.Auth;

/// <summary>A user key to authenticate with, optionally with an OpenSSH certificate for it.</summary>
public sealed record SshClientIdentity(SshPrivateKey Key, SshCertificate? Certificate = null);
