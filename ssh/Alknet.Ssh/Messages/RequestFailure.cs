using Alknet.Ssh.Wire;

namespace Alknet.Ssh.Messages;

/// <summary>RFC 4254 §4 SSH_MSG_REQUEST_FAILURE: no fields.</summary>
public readonly record struct RequestFailure : ISshMessage
{
    public const byte MessageNumber = SshMessageNumbers.RequestFailure;

    public static bool TryRead(ref SshReader r, out RequestFailure message)
    {
        message = default;
        if (!MessageReading.TryReadNumber(ref r, MessageNumber)) return false;
        r.EnsureEnd();
        return true;
    }

    public void Write(ref SshWriter w) => w.WriteByte(MessageNumber);
}
