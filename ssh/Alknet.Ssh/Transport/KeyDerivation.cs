using System.Buffers;
using System.Security.Cryptography;
using Alknet.Ssh.Wire;

namespace Alknet.Ssh.Transport;

/// <summary>RFC 4253 §7.2 key derivation, including the extension rule for keys longer than one hash.</summary>
internal static class KeyDerivation
{
    /// <summary>
    /// K1 = HASH(mpint K ‖ H ‖ letter ‖ session_id), K(n+1) = HASH(mpint K ‖ H ‖ K1 ‖ … ‖ Kn); the key is the first
    /// <paramref name="length"/> bytes of K1 ‖ K2 ‖ …
    /// </summary>
    public static byte[] Derive(HashAlgorithmName hash, ReadOnlySpan<byte> sharedSecret, ReadOnlySpan<byte> exchangeHash, char letter,
        ReadOnlySpan<byte> sessionId, int length)
    {
        var result = new byte[length];
        if (length == 0) return result;
        var prefix = new ArrayBufferWriter<byte>(sharedSecret.Length + 8);
        var w = new SshWriter(prefix);
        w.WriteMpintUnsigned(sharedSecret);
        w.Commit();

        using var h = IncrementalHash.CreateHash(hash);
        h.AppendData(prefix.WrittenSpan);
        h.AppendData(exchangeHash);
        h.AppendData([(byte)letter]);
        h.AppendData(sessionId);
        var block = h.GetHashAndReset();
        var produced = new List<byte>(Math.Max(length, block.Length));
        produced.AddRange(block);
        while (produced.Count < length)
        {
            h.AppendData(prefix.WrittenSpan);
            h.AppendData(exchangeHash);
            h.AppendData(produced.ToArray());
            produced.AddRange(h.GetHashAndReset());
        }
        produced.CopyTo(0, result, 0, length);
        return result;
    }
}
