using Alknet.Ssh.Wire;

namespace Alknet.Ssh.Messages;

/// <summary>RFC 4253 §10 SSH_MSG_SERVICE_ACCEPT: string service name.</summary>
public readonly record struct ServiceAccept(string ServiceName) : ISshMessage
{
    public const byte MessageNumber = SshMessageNumbers.ServiceAccept;

    public static bool TryRead(ref SshReader r, out ServiceAccept message)
    {
        message = default;
        if (!MessageReading.TryReadNumber(ref r, MessageNumber)) return false;
        var service = r.ReadAsciiString();
        r.EnsureEnd();
        message = new ServiceAccept(service);
        return true;
    }

    public void Write(ref SshWriter w)
    {
        w.WriteByte(MessageNumber);
        w.WriteString(ServiceName);
    }
}
