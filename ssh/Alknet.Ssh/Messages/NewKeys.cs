using Alknet.Ssh.Wire;

namespace Alknet.Ssh.Messages;

/// <summary>RFC 4253 §7.3 SSH_MSG_NEWKEYS: no fields; new keys are used from the next packet on.</summary>
public readonly record struct NewKeys : ISshMessage
{
    public const byte MessageNumber = SshMessageNumbers.NewKeys;

    public static bool TryRead(ref SshReader r, out NewKeys message)
    {
        message = default;
        if (!MessageReading.TryReadNumber(ref r, MessageNumber)) return false;
        r.EnsureEnd();
        return true;
    }

    public void Write(ref SshWriter w) => w.WriteByte(MessageNumber);
}
