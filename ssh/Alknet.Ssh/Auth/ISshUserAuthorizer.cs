using System.Net;
using Alknet.Ssh.Keys;

namespace Alknet.Ssh.Auth;

/// <summary>The server's verdict on one user key: allowed (with forwarding rights) or denied with a loggable reason.</summary>
public sealed record SshAuthorizationDecision(bool Allowed, string Reason, ForwardingPermissions Permissions)
{
    public static SshAuthorizationDecision Allow(ForwardingPermissions permissions, string reason = "accepted") => new(true, reason, permissions);

    public static SshAuthorizationDecision Deny(string reason) => new(false, reason, ForwardingPermissions.None);
}

/// <summary>
/// Decides whether <paramref name="key"/> may log in as a user. The server calls it for a query (to decide on PK_OK)
/// and again only for the key that actually signed.
/// </summary>
public interface ISshUserAuthorizer
{
    SshAuthorizationDecision Authorize(string user, SshPublicKey key, IPAddress peer, DateTimeOffset now);
}

/// <summary>Adapts the authorized_keys / certificate authorizer to the server's interface.</summary>
public sealed class PublicKeyUserAuthorizer(PublicKeyAuthorizer authorizer) : ISshUserAuthorizer
{
    public SshAuthorizationDecision Authorize(string user, SshPublicKey key, IPAddress peer, DateTimeOffset now)
    {
        var result = authorizer.Authorize(user, key, peer, now);
        return new SshAuthorizationDecision(result.Allowed, result.Reason, result.Permissions);
    }
}
