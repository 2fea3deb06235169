using System.Net;

namespace Alknet.Ssh.Keys;

/// <summary>
/// The options of one authorized_keys line (sshd(8) AUTHORIZED_KEYS FILE FORMAT), applied in the order written:
/// <c>restrict</c> turns forwarding (and pty, agent, X11, user-rc) off and a later <c>port-forwarding</c> turns it
/// back on. Session-only options are recorded but are harmless for a tunnel server, which runs no commands.
/// </summary>
public sealed class AuthorizedKeyOptions
{
    public static readonly AuthorizedKeyOptions Default = new();

    public bool Restrict { get; internal set; }
    public bool AllowPortForwarding { get; internal set; } = true;
    public IReadOnlyList<PermitOpen> PermitOpen { get; internal set; } = [];
    public IReadOnlyList<PermitListen> PermitListen { get; internal set; } = [];

    /// <summary>The from= pattern list, or null.</summary>
    public string? From { get; internal set; }

    public DateTimeOffset? ExpiryTime { get; internal set; }
    public bool CertAuthority { get; internal set; }

    /// <summary>principals= (only meaningful with cert-authority), or null.</summary>
    public IReadOnlyList<string>? Principals { get; internal set; }

    public string? Command { get; internal set; }
    public IReadOnlyList<string> Environment { get; internal set; } = [];
    public bool AllowPty { get; internal set; } = true;
    public bool AllowAgentForwarding { get; internal set; } = true;
    public bool AllowX11Forwarding { get; internal set; } = true;
    public bool AllowUserRc { get; internal set; } = true;

    /// <summary>from= check: true when there is no from= or the peer matches it (and no negated pattern).</summary>
    public bool IsFromAllowed(IPAddress peer) => From is null || AddressPatterns.MatchAddressList(From, peer) == 1;

    /// <summary>expiry-time check.</summary>
    public bool IsExpired(DateTimeOffset now) => ExpiryTime is { } t && now >= t;
}
