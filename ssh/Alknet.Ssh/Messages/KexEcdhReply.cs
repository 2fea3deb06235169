using Alknet.Ssh.Wire;

namespace Alknet.Ssh.Messages;

/// <summary>
/// RFC 5656 §7.1 SSH_MSG_KEX_ECDH_REPLY: string K_S (host key blob), string Q_S, string signature of H
/// (also curve25519-sha256, RFC 8731 §3).
/// </summary>
public readonly record struct KexEcdhReply(ReadOnlyMemory<byte> HostKey, ReadOnlyMemory<byte> ServerEphemeralKey, ReadOnlyMemory<byte> Signature) : ISshMessage
{
    public const byte MessageNumber = SshMessageNumbers.KexEcdhReply;

    public static bool TryRead(ref SshReader r, out KexEcdhReply message)
    {
        message = default;
        if (!MessageReading.TryReadNumber(ref r, MessageNumber)) return false;
        var ks = r.ReadString().ToArray();
        var q = r.ReadString().ToArray();
        var sig = r.ReadString().ToArray();
        r.EnsureEnd();
        message = new KexEcdhReply(ks, q, sig);
        return true;
    }

    public void Write(ref SshWriter w)
    {
        w.WriteByte(MessageNumber);
        w.WriteString(HostKey.Span);
        w.WriteString(ServerEphemeralKey.Span);
        w.WriteString(Signature.Span);
    }
}
