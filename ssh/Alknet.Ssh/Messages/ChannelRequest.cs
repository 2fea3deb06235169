using Alknet.Ssh.Wire;

namespace Alknet.Ssh.Messages;

/// <summary>
/// RFC 4254 §5.4 SSH_MSG_CHANNEL_REQUEST: uint32 recipient channel, string request type, boolean want reply,
/// type-specific data (kept raw).
/// </summary>
public readonly record struct ChannelRequest(uint RecipientChannel, string RequestType, bool WantReply, ReadOnlyMemory<byte> Data) : ISshMessage
{
    public const byte MessageNumber = SshMessageNumbers.ChannelRequest;

    public static bool TryRead(ref SshReader r, out ChannelRequest message)
    {
        message = default;
        if (!MessageReading.TryReadNumber(ref r, MessageNumber)) return false;
        uint recipient = r.ReadUInt32();
        var type = r.ReadAsciiString();
        bool want = r.ReadBoolean();
        var data = r.ReadBytes(r.Remaining).ToArray();
        message = new ChannelRequest(recipient, type, want, data);
        return true;
    }

    public void Write(ref SshWriter w)
    {
        w.WriteByte(MessageNumber);
        w.WriteUInt32(RecipientChannel);
        w.WriteString(RequestType);
        w.WriteBoolean(WantReply);
        w.WriteRaw(Data.Span);
    }
}
