using Alknet.Ssh.Auth;
using Alknet.Ssh.Keys;
using Alknet.Ssh.Transport;

namespace Alknet.Ssh;

/// <summary>Settings of an SSH server session.</summary>
public sealed class SshServerOptions : SshTransportOptions
{
    /// <summary>Host keys; the negotiated host key algorithm picks one (OpenSSH HostKey).</summary>
    public required IReadOnlyList<SshPrivateKey> HostKeys { get; init; }

    /// <summary>Decides which user keys may log in.</summary>
    public required ISshUserAuthorizer Authorizer { get; init; }

    /// <summary>Failed attempts before DISCONNECT 14 (OpenSSH MaxAuthTries, default 6).</summary>
    public int MaxAuthTries { get; init; } = 6;

    /// <summary>Time from connect to successful authentication (OpenSSH LoginGraceTime, default 120 s).</summary>
    public TimeSpan LoginGraceTime { get; init; } = TimeSpan.FromSeconds(120);

    /// <summary>Optional USERAUTH_BANNER text sent after SERVICE_ACCEPT.</summary>
    public string? Banner { get; init; }

    /// <summary>
    /// Receives one line per failed attempt, e.g. <c>auth failed peer=1.2.3.4:5555 user=bob key=SHA256:… reason=…</c>
    /// (also logged at Warning through <see cref="SshTransportOptions.Logger"/>).
    /// </summary>
    public Action<string>? AuthFailureLog { get; init; }
}
