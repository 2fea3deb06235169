using Alknet.Ssh.Wire;

namespace Alknet.Ssh.Messages;

/// <summary>RFC 4254 §4 SSH_MSG_REQUEST_SUCCESS: response-specific data (for example the bound port).</summary>
public readonly record struct RequestSuccess(ReadOnlyMemory<byte> Data) : ISshMessage
{
    public const byte MessageNumber = SshMessageNumbers.RequestSuccess;

    public static bool TryRead(ref SshReader r, out RequestSuccess message)
    {
        message = default;
        if (!MessageReading.TryReadNumber(ref r, MessageNumber)) return false;
        message = new RequestSuccess(r.ReadBytes(r.Remaining).ToArray());
        return true;
    }

    public void Write(ref SshWriter w)
    {
        w.WriteByte(MessageNumber);
        w.WriteRaw(Data.Span);
    }
}
