using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Alknet.Ssh.Crypto;

/// <summary>
/// hmac-sha2-256 and hmac-sha2-512 (RFC 6668 §2) and their -etm@openssh.com forms (OpenSSH PROTOCOL §1.5): the same
/// HMAC, differing only in what it covers. One <see cref="PrecomputedHmac"/> (keyed states computed once) is reused
/// per direction, so computing a packet's MAC allocates nothing and pays no per-packet key setup.
/// </summary>
internal sealed class HmacSha2 : IDisposable
{
    private readonly PrecomputedHmac _hmac;

    public HmacSha2(string name, ReadOnlySpan<byte> key)
    {
        (HashAlgorithmName algorithm, int size, bool etm) = Describe(name);
        LibCrypto.CheckLength(key.Length, size, nameof(key));
        _hmac = new PrecomputedHmac(algorithm == HashAlgorithmName.SHA512, key);
        Length = size;
        EncryptThenMac = etm;
    }

    /// <summary>MAC length in bytes, equal to the key length: 32 or 64.</summary>
    public int Length { get; }

    /// <summary>True for the -etm@openssh.com names: MAC over the ciphertext, length field in the clear.</summary>
    public bool EncryptThenMac { get; }

    /// <summary>Returns the MAC and key length for a MAC name, or throws <see cref="ArgumentException"/>.</summary>
    public static (HashAlgorithmName Algorithm, int Size, bool Etm) Describe(string name) => name switch
    {
        "hmac-sha2-256" => (HashAlgorithmName.SHA256, 32, false),
        "hmac-sha2-512" => (HashAlgorithmName.SHA512, 64, false),
        "hmac-sha2-256-etm@openssh.com" => (HashAlgorithmName.SHA256, 32, true),
        "hmac-sha2-512-etm@openssh.com" => (HashAlgorithmName.SHA512, 64, true),
        _ => throw new ArgumentException("Unsupported MAC algorithm: " + name, nameof(name)),
    };

    /// <summary>mac = HMAC(key, uint32 sequence_number ‖ data) (RFC 4253 §6.4).</summary>
    public void Compute(uint sequenceNumber, ReadOnlySpan<byte> data, Span<byte> mac)
    {
        Span<byte> seq = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(seq, sequenceNumber);
        _hmac.Compute(seq, data, mac);
    }

    public void Dispose() => _hmac.Dispose();
}
