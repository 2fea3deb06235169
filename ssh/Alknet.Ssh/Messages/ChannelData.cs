using System.Buffers;
using Alknet.Ssh.Wire;

namespace Alknet.Ssh.Messages;

/// <summary>
/// RFC 4254 §5.2 SSH_MSG_CHANNEL_DATA: uint32 recipient channel, string data.
/// </summary>
/// <remarks>
/// The hot path of the tunnel, so it departs from the other messages in two ways: it is written from the channel's
/// outgoing pipe buffer (a <see cref="ReadOnlySequence{T}"/>) straight into the packet, and it is read as a slice of
/// the decrypted payload, so moving data never allocates and never copies more than once each way.
/// </remarks>
public readonly record struct ChannelData(uint RecipientChannel, ReadOnlySequence<byte> Data) : ISshMessage
{
    public const byte MessageNumber = SshMessageNumbers.ChannelData;

    /// <summary>Bytes of a CHANNEL_DATA payload that are not data: number, recipient, string length.</summary>
    public const int Overhead = 1 + 4 + 4;

    /// <summary>Reads the message as a view into <paramref name="r"/>'s payload (valid until the next packet).</summary>
    public static bool TryRead(ref SshReader r, out uint recipientChannel, out ReadOnlySpan<byte> data)
    {
        recipientChannel = 0;
        data = default;
        if (!MessageReading.TryReadNumber(ref r, MessageNumber)) return false;
        recipientChannel = r.ReadUInt32();
        data = r.ReadString();
        r.EnsureEnd();
        return true;
    }

    public void Write(ref SshWriter w)
    {
        w.WriteByte(MessageNumber);
        w.WriteUInt32(RecipientChannel);
        w.WriteUInt32((uint)Data.Length);
        foreach (var segment in Data) w.WriteRaw(segment.Span);
    }
}
