using Alknet.Ssh.Wire;

namespace Alknet.Ssh.Messages;

/// <summary>RFC 4252 §5.1 SSH_MSG_USERAUTH_SUCCESS: no fields.</summary>
public readonly record struct UserAuthSuccess : ISshMessage
{
    public const byte MessageNumber = SshMessageNumbers.UserAuthSuccess;

    public static bool TryRead(ref SshReader r, out UserAuthSuccess message)
    {
        message = default;
        if (!MessageReading.TryReadNumber(ref r, MessageNumber)) return false;
        r.EnsureEnd();
        return true;
    }

    public void Write(ref SshWriter w) => w.WriteByte(MessageNumber);
}
