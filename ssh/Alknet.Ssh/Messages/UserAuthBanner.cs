using Alknet.Ssh.Wire;

namespace Alknet.Ssh.Messages;

/// <summary>RFC 4252 §5.4 SSH_MSG_USERAUTH_BANNER: string message (UTF-8), string language tag.</summary>
public readonly record struct UserAuthBanner(string Message, string Language = "") : ISshMessage
{
    public const byte MessageNumber = SshMessageNumbers.UserAuthBanner;

    public static bool TryRead(ref SshReader r, out UserAuthBanner message)
    {
        message = default;
        if (!MessageReading.TryReadNumber(ref r, MessageNumber)) return false;
        var text = r.ReadUtf8String();
        var language = r.ReadUtf8String();
        r.EnsureEnd();
        message = new UserAuthBanner(text, language);
        return true;
    }

    public void Write(ref SshWriter w)
    {
        w.WriteByte(MessageNumber);
        w.WriteString(Message);
        w.WriteString(Language);
    }
}
