using Alknet.Ssh.Wire;

namespace Alknet.Ssh.Messages;

/// <summary>RFC 4253 §11.4 SSH_MSG_UNIMPLEMENTED: uint32 sequence number of the rejected packet.</summary>
public readonly record struct Unimplemented(uint SequenceNumber) : ISshMessage
{
    public const byte MessageNumber = SshMessageNumbers.Unimplemented;

    public static bool TryRead(ref SshReader r, out Unimplemented message)
    {
        message = default;
        if (!MessageReading.TryReadNumber(ref r, MessageNumber)) return false;
        uint seq = r.ReadUInt32();
        r.EnsureEnd();
        message = new Unimplemented(seq);
        return true;
    }

    public void Write(ref SshWriter w)
    {
        w.WriteByte(MessageNumber);
        w.WriteUInt32(SequenceNumber);
    }
}
