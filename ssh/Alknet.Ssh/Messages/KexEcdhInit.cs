using Alknet.Ssh.Wire;

namespace Alknet.Ssh.Messages;

/// <summary>RFC 5656 §7.1 SSH_MSG_KEX_ECDH_INIT: string Q_C (also curve25519-sha256, RFC 8731 §3).</summary>
public readonly record struct KexEcdhInit(ReadOnlyMemory<byte> ClientEphemeralKey) : ISshMessage
{
    public const byte MessageNumber = SshMessageNumbers.KexEcdhInit;

    public static bool TryRead(ref SshReader r, out KexEcdhInit message)
    {
        message = default;
        if (!MessageReading.TryReadNumber(ref r, MessageNumber)) return false;
        var q = r.ReadString().ToArray();
        r.EnsureEnd();
        message = new KexEcdhInit(q);
        return true;
    }

    public void Write(ref SshWriter w)
    {
        w.WriteByte(MessageNumber);
        w.WriteString(ClientEphemeralKey.Span);
    }
}
