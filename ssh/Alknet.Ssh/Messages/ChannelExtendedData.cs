using Alknet.Ssh.Wire;

namespace Alknet.Ssh.Messages;

/// <summary>
/// RFC 4254 §5.2 SSH_MSG_CHANNEL_EXTENDED_DATA: uint32 recipient channel, uint32 data type code, string data.
/// TCP/IP channels carry none; a peer that sends it anyway has the bytes counted against the window and dropped.
/// </summary>
public readonly ref struct ChannelExtendedData
{
    public const byte MessageNumber = SshMessageNumbers.ChannelExtendedData;

    public static bool TryRead(ref SshReader r, out uint recipientChannel, out uint dataTypeCode, out ReadOnlySpan<byte> data)
    {
        recipientChannel = 0;
        dataTypeCode = 0;
        data = default;
        if (!MessageReading.TryReadNumber(ref r, MessageNumber)) return false;
        recipientChannel = r.ReadUInt32();
        dataTypeCode = r.ReadUInt32();
        data = r.ReadString();
        r.EnsureEnd();
        return true;
    }
}
