using Alknet.Ssh.Wire;

namespace Alknet.Ssh.Keys;

/// <summary>
/// The SSH signature blob, <c>string algorithm ‖ string signature</c> (RFC 4253 §6.6, RFC 8332 §3, RFC 5656 §3.1.2,
/// RFC 8709 §6).
/// </summary>
public static class SshSignature
{
    /// <summary>Splits a signature blob. Returns false when it is malformed or has trailing bytes.</summary>
    public static bool TryParse(ReadOnlySpan<byte> blob, out string algorithm, out ReadOnlySpan<byte> signature)
    {
        algorithm = "";
        signature = default;
        try
        {
            var r = new SshReader(blob);
            algorithm = r.ReadAsciiString();
            signature = r.ReadString();
            r.EnsureEnd();
            return true;
        }
        catch (SshProtocolException)
        {
            algorithm = "";
            signature = default;
            return false;
        }
    }

    /// <summary>Builds a signature blob.</summary>
    public static byte[] Create(string algorithm, ReadOnlySpan<byte> signature)
    {
        var sig = signature.ToArray();
        return KeyEncoding.Build((algorithm, sig), static (ref SshWriter w, (string Alg, byte[] Sig) s) =>
        {
            w.WriteString(s.Alg);
            w.WriteString(s.Sig);
        });
    }
}
