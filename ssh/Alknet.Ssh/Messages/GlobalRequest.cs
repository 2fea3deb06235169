using Alknet.Ssh.Wire;

namespace Alknet.Ssh.Messages;

/// <summary>RFC 4254 §4 SSH_MSG_GLOBAL_REQUEST: string request name, boolean want reply, request-specific data.</summary>
public readonly record struct GlobalRequest(string RequestName, bool WantReply, ReadOnlyMemory<byte> Data) : ISshMessage
{
    public const byte MessageNumber = SshMessageNumbers.GlobalRequest;

    public static bool TryRead(ref SshReader r, out GlobalRequest message)
    {
        message = default;
        if (!MessageReading.TryReadNumber(ref r, MessageNumber)) return false;
        var name = r.ReadAsciiString();
        bool want = r.ReadBoolean();
        var data = r.ReadBytes(r.Remaining).ToArray();
        message = new GlobalRequest(name, want, data);
        return true;
    }

    public void Write(ref SshWriter w)
    {
        w.WriteByte(MessageNumber);
        w.WriteString(RequestName);
        w.WriteBoolean(WantReply);
        w.WriteRaw(Data.Span);
    }
}
