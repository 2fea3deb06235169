using Alknet.Ssh.Wire;

namespace Alknet.Ssh.Messages;

/// <summary>RFC 4254 §5.3 SSH_MSG_CHANNEL_CLOSE: uint32 recipient channel (the sender will send nothing more on the channel and frees it once both sides sent CLOSE).</summary>
public readonly record struct ChannelClose(uint RecipientChannel) : ISshMessage
{
    public const byte MessageNumber = SshMessageNumbers.ChannelClose;

    public static bool TryRead(ref SshReader r, out ChannelClose message)
    {
        message = default;
        if (!MessageReading.TryReadNumber(ref r, MessageNumber)) return false;
        uint recipient = r.ReadUInt32();
        r.EnsureEnd();
        message = new ChannelClose(recipient);
        return true;
    }

    public void Write(ref SshWriter w)
    {
        w.WriteByte(MessageNumber);
        w.WriteUInt32(RecipientChannel);
    }
}
