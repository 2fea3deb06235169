using Alknet.Ssh.Wire;

namespace Alknet.Ssh.Messages;

/// <summary>RFC 4252 §5.1 SSH_MSG_USERAUTH_FAILURE: name-list methods that can continue, boolean partial success.</summary>
public readonly record struct UserAuthFailure(string[] Methods, bool PartialSuccess = false) : ISshMessage
{
    public const byte MessageNumber = SshMessageNumbers.UserAuthFailure;

    public static bool TryRead(ref SshReader r, out UserAuthFailure message)
    {
        message = default;
        if (!MessageReading.TryReadNumber(ref r, MessageNumber)) return false;
        var methods = r.ReadNameList();
        bool partial = r.ReadBoolean();
        r.EnsureEnd();
        message = new UserAuthFailure(methods, partial);
        return true;
    }

    public void Write(ref SshWriter w)
    {
        w.WriteByte(MessageNumber);
        w.WriteNameList(Methods);
        w.WriteBoolean(PartialSuccess);
    }
}
