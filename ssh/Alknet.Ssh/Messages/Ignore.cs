using Alknet.Ssh.Wire;

namespace Alknet.Ssh.Messages;

/// <summary>RFC 4253 §11.2 SSH_MSG_IGNORE: string data, to be ignored by the receiver.</summary>
public readonly record struct Ignore(ReadOnlyMemory<byte> Data) : ISshMessage
{
    public const byte MessageNumber = SshMessageNumbers.Ignore;

    public static bool TryRead(ref SshReader r, out Ignore message)
    {
        message = default;
        if (!MessageReading.TryReadNumber(ref r, MessageNumber)) return false;
        var data = r.ReadString().ToArray();
        r.EnsureEnd();
        message = new Ignore(data);
        return true;
    }

    public void Write(ref SshWriter w)
    {
        w.WriteByte(MessageNumber);
        w.WriteString(Data.Span);
    }
}
