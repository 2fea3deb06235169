using Alknet.Ssh.Wire;

namespace Alknet.Ssh.Messages;

/// <summary>RFC 4252 §7 SSH_MSG_USERAUTH_PK_OK: string algorithm and string blob, echoed exactly from the query.</summary>
public readonly record struct UserAuthPkOk(string Algorithm, ReadOnlyMemory<byte> PublicKey) : ISshMessage
{
    public const byte MessageNumber = SshMessageNumbers.UserAuthPkOk;

    public static bool TryRead(ref SshReader r, out UserAuthPkOk message)
    {
        message = default;
        if (!MessageReading.TryReadNumber(ref r, MessageNumber)) return false;
        var alg = r.ReadAsciiString();
        var blob = r.ReadString().ToArray();
        r.EnsureEnd();
        message = new UserAuthPkOk(alg, blob);
        return true;
    }

    public void Write(ref SshWriter w)
    {
        w.WriteByte(MessageNumber);
        w.WriteString(Algorithm);
        w.WriteString(PublicKey.Span);
    }
}
