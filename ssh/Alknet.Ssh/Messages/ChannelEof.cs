using Alknet.Ssh.Wire;

namespace Alknet.Ssh.Messages;

/// <summary>RFC 4254 §5.3 SSH_MSG_CHANNEL_EOF: uint32 recipient channel (no more data will be sent on the channel).</summary>
public readonly record struct ChannelEof(uint RecipientChannel) : ISshMessage
{
    public const byte MessageNumber = SshMessageNumbers.ChannelEof;

    public static bool TryRead(ref SshReader r, out ChannelEof message)
    {
        message = default;
        if (!MessageReading.TryReadNumber(ref r, MessageNumber)) return false;
        uint recipient = r.ReadUInt32();
        r.EnsureEnd();
        message = new ChannelEof(recipient);
        return true;
    }

    public void Write(ref SshWriter w)
    {
        w.WriteByte(MessageNumber);
        w.WriteUInt32(RecipientChannel);
    }
}
