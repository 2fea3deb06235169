using Alknet.Ssh.Crypto;
using Alknet.Ssh.Wire;

namespace Alknet.Ssh.Keys;

/// <summary>An Ed25519 public key (RFC 8709 §4): <c>string "ssh-ed25519" ‖ string key[32]</c>; signatures are 64 bytes.</summary>
public sealed class Ed25519PublicKey : SshPublicKey
{
    public const int KeySize = 32;
    public const int SignatureSize = 64;
    private static readonly string[] Algorithms = [SshKeyAlgorithms.Ed25519];
    private readonly byte[] _key;
    private readonly byte[] _blob;

    public Ed25519PublicKey(ReadOnlySpan<byte> publicKey)
    {
        if (publicKey.Length != KeySize) throw new FormatException("Ed25519 public key must be 32 bytes");
        _key = publicKey.ToArray();
        _blob = KeyEncoding.Build(_key, static (ref SshWriter w, byte[] k) =>
        {
            w.WriteString(SshKeyAlgorithms.Ed25519);
            w.WriteString(k);
        });
    }

    /// <summary>The raw 32-byte public key.</summary>
    public ReadOnlySpan<byte> Key => _key;

    public override string KeyType => SshKeyAlgorithms.Ed25519;
    public override ReadOnlyMemory<byte> Blob => _blob;
    public override IReadOnlyList<string> SignatureAlgorithms => Algorithms;

    public override bool Verify(string signatureAlgorithm, ReadOnlySpan<byte> data, ReadOnlySpan<byte> signatureBlob)
    {
        if (signatureAlgorithm != SshKeyAlgorithms.Ed25519) return false;
        if (!SshSignature.TryParse(signatureBlob, out var alg, out var sig)) return false;
        if (alg != signatureAlgorithm || sig.Length != SignatureSize) return false;
        return LibCrypto.Ed25519Verify(_key, data, sig);
    }

    /// <summary>Reads the key fields that follow the type name (also used inside certificates).</summary>
    internal static Ed25519PublicKey ReadFields(ref SshReader r) => new(r.ReadString());
}
