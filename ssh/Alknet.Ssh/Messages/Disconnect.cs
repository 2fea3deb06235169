using Alknet.Ssh.Wire;

namespace Alknet.Ssh.Messages;

/// <summary>RFC 4253 §11.1 SSH_MSG_DISCONNECT: uint32 reason code, string description, string language tag.</summary>
public readonly record struct Disconnect(SshDisconnectReason Reason, string Description, string Language = "") : ISshMessage
{
    public const byte MessageNumber = SshMessageNumbers.Disconnect;

    public static bool TryRead(ref SshReader r, out Disconnect message)
    {
        message = default;
        if (!MessageReading.TryReadNumber(ref r, MessageNumber)) return false;
        var reason = (SshDisconnectReason)r.ReadUInt32();
        var description = r.ReadUtf8String();
        var language = r.ReadUtf8String();
        r.EnsureEnd();
        message = new Disconnect(reason, description, language);
        return true;
    }

    public void Write(ref SshWriter w)
    {
        w.WriteByte(MessageNumber);
        w.WriteUInt32((uint)Reason);
        w.WriteString(Description);
        w.WriteString(Language);
    }
}
