using Alknet.Ssh.Wire;

namespace Alknet.Ssh.Messages;

/// <summary>
/// RFC 4254 §5.1 SSH_MSG_CHANNEL_OPEN: string channel type, uint32 sender channel, uint32 initial window size,
/// uint32 maximum packet size, channel-type-specific data (kept raw).
/// </summary>
public readonly record struct ChannelOpen(string ChannelType, uint SenderChannel, uint InitialWindowSize, uint MaximumPacketSize, ReadOnlyMemory<byte> TypeSpecificData) : ISshMessage
{
    public const byte MessageNumber = SshMessageNumbers.ChannelOpen;

    public static bool TryRead(ref SshReader r, out ChannelOpen message)
    {
        message = default;
        if (!MessageReading.TryReadNumber(ref r, MessageNumber)) return false;
        var type = r.ReadAsciiString();
        uint sender = r.ReadUInt32();
        uint window = r.ReadUInt32();
        uint max = r.ReadUInt32();
        var data = r.ReadBytes(r.Remaining).ToArray();
        message = new ChannelOpen(type, sender, window, max, data);
        return true;
    }

    public void Write(ref SshWriter w)
    {
        w.WriteByte(MessageNumber);
        w.WriteString(ChannelType);
        w.WriteUInt32(SenderChannel);
        w.WriteUInt32(InitialWindowSize);
        w.WriteUInt32(MaximumPacketSize);
        w.WriteRaw(TypeSpecificData.Span);
    }
}
