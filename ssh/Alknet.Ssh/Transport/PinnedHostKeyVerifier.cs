using Alknet.Ssh.Keys;

namespace Alknet.Ssh.Transport;

/// <summary>Accepts exactly one host key, known in advance (a server started by the same process, a pinned key).</summary>
public sealed class PinnedHostKeyVerifier(SshPublicKey expected) : IHostKeyVerifier
{
    public ValueTask<bool> VerifyAsync(SshPublicKey hostKey, CancellationToken cancellationToken) =>
        ValueTask.FromResult(hostKey.BlobEquals(expected));
}
