using Alknet.Ssh.Keys;

namespace Alknet.Ssh.Transport;

/// <summary>
/// The client's decision on the server's host key (RFC 4251 §4.1), taken after the key exchange signature verified
/// and before NEWKEYS. A known_hosts check lives behind this interface.
/// </summary>
public interface IHostKeyVerifier
{
    ValueTask<bool> VerifyAsync(SshPublicKey hostKey, CancellationToken cancellationToken);
}

/// <summary>Accepts any host key (for probing a server, never for carrying traffic) and remembers the key.</summary>
public sealed class AcceptAnyHostKeyVerifier : IHostKeyVerifier
{
    public SshPublicKey? LastKey { get; private set; }

    public ValueTask<bool> VerifyAsync(SshPublicKey hostKey, CancellationToken cancellationToken)
    {
        LastKey = hostKey;
        return ValueTask.FromResult(true);
    }
}

/// <summary>Accepts a host key only when known_hosts lists exactly that key for the host and port.</summary>
public sealed class KnownHostsVerifier(KnownHostsFile knownHosts, string host, int port) : IHostKeyVerifier
{
    public KnownHostsResult? LastResult { get; private set; }

    public ValueTask<bool> VerifyAsync(SshPublicKey hostKey, CancellationToken cancellationToken)
    {
        LastResult = knownHosts.Check(host, port, hostKey);
        return ValueTask.FromResult(LastResult == KnownHostsResult.Match);
    }
}
