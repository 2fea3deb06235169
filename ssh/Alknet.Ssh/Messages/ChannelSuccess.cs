using Alknet.Ssh.Wire;

namespace Alknet.Ssh.Messages;

/// <summary>RFC 4254 §5.4 SSH_MSG_CHANNEL_SUCCESS: uint32 recipient channel (the channel request succeeded).</summary>
public readonly record struct ChannelSuccess(uint RecipientChannel) : ISshMessage
{
    public const byte MessageNumber = SshMessageNumbers.ChannelSuccess;

    public static bool TryRead(ref SshReader r, out ChannelSuccess message)
    {
        message = default;
        if (!MessageReading.TryReadNumber(ref r, MessageNumber)) return false;
        uint recipient = r.ReadUInt32();
        r.EnsureEnd();
        message = new ChannelSuccess(recipient);
        return true;
    }

    public void Write(ref SshWriter w)
    {
        w.WriteByte(MessageNumber);
        w.WriteUInt32(RecipientChannel);
    }
}
