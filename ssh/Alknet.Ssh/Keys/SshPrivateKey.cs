namespace Alknet.Ssh.Keys;

/// <summary>
/// A private key that signs for SSH (host keys and user keys). SKELETON CONTRACT: the abstract surface is what
/// the transport and auth code use; the factories are replaced by the real implementation.
/// </summary>
public abstract class SshPrivateKey : IDisposable
{
    public abstract SshPublicKey PublicKey { get; }

    /// <summary>
    /// Signs <paramref name="data"/> and returns the SSH signature blob (<c>string algorithm ‖ string signature</c>).
    /// Ed25519 signs the data itself, ECDSA signs SHA-x(data), RSA uses PKCS#1 v1.5 with the algorithm's hash.
    /// </summary>
    public abstract byte[] Sign(string signatureAlgorithm, ReadOnlySpan<byte> data);

    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    protected virtual void Dispose(bool disposing)
    {
    }
}
