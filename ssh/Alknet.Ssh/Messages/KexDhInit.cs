using Alknet.Ssh.Wire;

namespace Alknet.Ssh.Messages;

/// <summary>RFC 4253 §8 SSH_MSG_KEXDH_INIT: mpint e (stored as its unsigned big-endian magnitude).</summary>
public readonly record struct KexDhInit(ReadOnlyMemory<byte> E) : ISshMessage
{
    public const byte MessageNumber = SshMessageNumbers.KexDhInit;

    public static bool TryRead(ref SshReader r, out KexDhInit message)
    {
        message = default;
        if (!MessageReading.TryReadNumber(ref r, MessageNumber)) return false;
        var e = r.ReadMpintUnsigned().ToArray();
        r.EnsureEnd();
        message = new KexDhInit(e);
        return true;
    }

    public void Write(ref SshWriter w)
    {
        w.WriteByte(MessageNumber);
        w.WriteMpintUnsigned(E.Span);
    }
}
