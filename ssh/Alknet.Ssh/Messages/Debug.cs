using Alknet.Ssh.Wire;

namespace Alknet.Ssh.Messages;

/// <summary>RFC 4253 §11.3 SSH_MSG_DEBUG: boolean always_display, string message, string language tag.</summary>
public readonly record struct Debug(bool AlwaysDisplay, string Message, string Language = "") : ISshMessage
{
    public const byte MessageNumber = SshMessageNumbers.Debug;

    public static bool TryRead(ref SshReader r, out Debug message)
    {
        message = default;
        if (!MessageReading.TryReadNumber(ref r, MessageNumber)) return false;
        bool always = r.ReadBoolean();
        var text = r.ReadUtf8String();
        var language = r.ReadUtf8String();
        r.EnsureEnd();
        message = new Debug(always, text, language);
        return true;
    }

    public void Write(ref SshWriter w)
    {
        w.WriteByte(MessageNumber);
        w.WriteBoolean(AlwaysDisplay);
        w.WriteString(Message);
        w.WriteString(Language);
    }
}
