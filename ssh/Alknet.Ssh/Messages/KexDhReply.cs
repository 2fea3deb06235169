using Alknet.Ssh.Wire;

namespace Alknet.Ssh.Messages;

/// <summary>RFC 4253 §8 SSH_MSG_KEXDH_REPLY: string K_S, mpint f (unsigned magnitude here), string signature of H.</summary>
public readonly record struct KexDhReply(ReadOnlyMemory<byte> HostKey, ReadOnlyMemory<byte> F, ReadOnlyMemory<byte> Signature) : ISshMessage
{
    public const byte MessageNumber = SshMessageNumbers.KexDhReply;

    public static bool TryRead(ref SshReader r, out KexDhReply message)
    {
        message = default;
        if (!MessageReading.TryReadNumber(ref r, MessageNumber)) return false;
        var ks = r.ReadString().ToArray();
        var f = r.ReadMpintUnsigned().ToArray();
        var sig = r.ReadString().ToArray();
        r.EnsureEnd();
        message = new KexDhReply(ks, f, sig);
        return true;
    }

    public void Write(ref SshWriter w)
    {
        w.WriteByte(MessageNumber);
        w.WriteString(HostKey.Span);
        w.WriteMpintUnsigned(F.Span);
        w.WriteString(Signature.Span);
    }
}
