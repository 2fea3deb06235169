namespace Alknet.Ssh.Keys;

/// <summary>The verdict on a server's host key.</summary>
public enum KnownHostsResult
{
    /// <summary>A line for this host lists exactly this key.</summary>
    Match,

    /// <summary>The host is known with other keys only: the key changed (possible man in the middle).</summary>
    Mismatch,

    /// <summary>No line names this host.</summary>
    Unknown,

    /// <summary>The key is marked @revoked.</summary>
    Revoked,
}

/// <summary>The marker at the start of a known_hosts line.</summary>
public enum KnownHostsMarker
{
    None,
    CertAuthority,
    Revoked,
}
