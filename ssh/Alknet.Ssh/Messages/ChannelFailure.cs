using Alknet.Ssh.Wire;

namespace Alknet.Ssh.Messages;

/// <summary>RFC 4254 §5.4 SSH_MSG_CHANNEL_FAILURE: uint32 recipient channel (the channel request failed or is not recognised).</summary>
public readonly record struct ChannelFailure(uint RecipientChannel) : ISshMessage
{
    public const byte MessageNumber = SshMessageNumbers.ChannelFailure;

    public static bool TryRead(ref SshReader r, out ChannelFailure message)
    {
        message = default;
        if (!MessageReading.TryReadNumber(ref r, MessageNumber)) return false;
        uint recipient = r.ReadUInt32();
        r.EnsureEnd();
        message = new ChannelFailure(recipient);
        return true;
    }

    public void Write(ref SshWriter w)
    {
        w.WriteByte(MessageNumber);
        w.WriteUInt32(RecipientChannel);
    }
}
