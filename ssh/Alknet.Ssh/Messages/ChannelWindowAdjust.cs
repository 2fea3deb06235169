using Alknet.Ssh.Wire;

namespace Alknet.Ssh.Messages;

/// <summary>RFC 4254 §5.2 SSH_MSG_CHANNEL_WINDOW_ADJUST: uint32 recipient channel, uint32 bytes to add.</summary>
public readonly record struct ChannelWindowAdjust(uint RecipientChannel, uint BytesToAdd) : ISshMessage
{
    public const byte MessageNumber = SshMessageNumbers.ChannelWindowAdjust;

    public static bool TryRead(ref SshReader r, out ChannelWindowAdjust message)
    {
        message = default;
        if (!MessageReading.TryReadNumber(ref r, MessageNumber)) return false;
        uint recipient = r.ReadUInt32();
        uint bytes = r.ReadUInt32();
        r.EnsureEnd();
        message = new ChannelWindowAdjust(recipient, bytes);
        return true;
    }

    public void Write(ref SshWriter w)
    {
        w.WriteByte(MessageNumber);
        w.WriteUInt32(RecipientChannel);
        w.WriteUInt32(BytesToAdd);
    }
}
