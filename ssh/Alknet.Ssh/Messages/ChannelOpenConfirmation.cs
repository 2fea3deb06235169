using Alknet.Ssh.Wire;

namespace Alknet.Ssh.Messages;

/// <summary>
/// RFC 4254 §5.1 SSH_MSG_CHANNEL_OPEN_CONFIRMATION: uint32 recipient channel, uint32 sender channel, uint32 initial
/// window size, uint32 maximum packet size, channel-type-specific data (none for the TCP/IP channel types, the only
/// ones Alknet opens, so anything after the four numbers is malformed).
/// </summary>
public readonly record struct ChannelOpenConfirmation(uint RecipientChannel, uint SenderChannel, uint InitialWindowSize, uint MaximumPacketSize) : ISshMessage
{
    public const byte MessageNumber = SshMessageNumbers.ChannelOpenConfirmation;

    public static bool TryRead(ref SshReader r, out ChannelOpenConfirmation message)
    {
        message = default;
        if (!MessageReading.TryReadNumber(ref r, MessageNumber)) return false;
        uint recipient = r.ReadUInt32();
        uint sender = r.ReadUInt32();
        uint window = r.ReadUInt32();
        uint max = r.ReadUInt32();
        r.EnsureEnd();
        message = new ChannelOpenConfirmation(recipient, sender, window, max);
        return true;
    }

    public void Write(ref SshWriter w)
    {
        w.WriteByte(MessageNumber);
        w.WriteUInt32(RecipientChannel);
        w.WriteUInt32(SenderChannel);
        w.WriteUInt32(InitialWindowSize);
        w.WriteUInt32(MaximumPacketSize);
    }
}
