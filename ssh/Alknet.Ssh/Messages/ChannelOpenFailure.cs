using Alknet.Ssh.Wire;

namespace Alknet.Ssh.Messages;

/// <summary>RFC 4254 §5.1 reason codes of SSH_MSG_CHANNEL_OPEN_FAILURE.</summary>
public enum ChannelOpenFailureReason : uint
{
    AdministrativelyProhibited = 1,
    ConnectFailed = 2,
    UnknownChannelType = 3,
    ResourceShortage = 4,
}

/// <summary>
/// RFC 4254 §5.1 SSH_MSG_CHANNEL_OPEN_FAILURE: uint32 recipient channel, uint32 reason code, string description
/// (UTF-8), string language tag.
/// </summary>
public readonly record struct ChannelOpenFailure(uint RecipientChannel, ChannelOpenFailureReason Reason, string Description, string Language = "") : ISshMessage
{
    public const byte MessageNumber = SshMessageNumbers.ChannelOpenFailure;

    public static bool TryRead(ref SshReader r, out ChannelOpenFailure message)
    {
        message = default;
        if (!MessageReading.TryReadNumber(ref r, MessageNumber)) return false;
        uint recipient = r.ReadUInt32();
        var reason = (ChannelOpenFailureReason)r.ReadUInt32();
        var description = r.ReadUtf8String();
        var language = r.ReadUtf8String();
        r.EnsureEnd();
        message = new ChannelOpenFailure(recipient, reason, description, language);
        return true;
    }

    public void Write(ref SshWriter w)
    {
        w.WriteByte(MessageNumber);
        w.WriteUInt32(RecipientChannel);
        w.WriteUInt32((uint)Reason);
        w.WriteString(Description);
        w.WriteString(Language);
    }
}
