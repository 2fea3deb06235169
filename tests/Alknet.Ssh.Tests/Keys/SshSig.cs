using System.Buffers;
using System.Security.Cryptography;
using System.Text;
using Alknet.Ssh.Keys;
using Alknet.Ssh.Wire;

namespace Alknet.Ssh.Tests.Keys;

/// <summary>
/// PROTOCOL.sshsig, enough to exchange signatures with `ssh-keygen -Y sign/verify`: the signed blob is
/// <c>"SSHSIG" ‖ string namespace ‖ string reserved ‖ string hash_alg ‖ string H(message)</c>; the signature file
/// is <c>"SSHSIG" ‖ uint32 1 ‖ string publickey ‖ string namespace ‖ string reserved ‖ string hash_alg ‖ string signature</c>.
/// </summary>
internal static class SshSig
{
    public static byte[] SignedBlob(string ns, byte[] message)
    {
        var buffer = new ArrayBufferWriter<byte>();
        buffer.Write("SSHSIG"u8);
        var w = new SshWriter(buffer);
        w.WriteString(ns);
        w.WriteString(ReadOnlySpan<byte>.Empty);
        w.WriteString("sha512");
        w.WriteString(SHA512.HashData(message));
        w.Commit();
        return buffer.WrittenSpan.ToArray();
    }

    public static string Armor(SshPublicKey key, string ns, byte[] signature)
    {
        var buffer = new ArrayBufferWriter<byte>();
        buffer.Write("SSHSIG"u8);
        var w = new SshWriter(buffer);
        w.WriteUInt32(1);
        w.WriteString(key.Blob.Span);
        w.WriteString(ns);
        w.WriteString(ReadOnlySpan<byte>.Empty);
        w.WriteString("sha512");
        w.WriteString(signature);
        w.Commit();
        var b64 = Convert.ToBase64String(buffer.WrittenSpan);
        var sb = new StringBuilder("-----BEGIN SSH SIGNATURE-----\n");
        for (int i = 0; i < b64.Length; i += 70) sb.Append(b64, i, Math.Min(70, b64.Length - i)).Append('\n');
        return sb.Append("-----END SSH SIGNATURE-----\n").ToString();
    }

    /// <summary>Reads an armoured SSHSIG: returns the public key blob and the inner signature blob.</summary>
    public static (byte[] PublicKey, string Namespace, string HashAlgorithm, byte[] Signature) Read(string armored)
    {
        var lines = armored.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var body = Convert.FromBase64String(string.Concat(lines[1..^1]));
        var r = new SshReader(body.AsSpan(6));
        if (r.ReadUInt32() != 1) throw new FormatException("SSHSIG version");
        var pk = r.ReadString().ToArray();
        var ns = r.ReadUtf8String();
        r.ReadString();
        var hash = r.ReadAsciiString();
        var sig = r.ReadString().ToArray();
        r.EnsureEnd();
        return (pk, ns, hash, sig);
    }
}
