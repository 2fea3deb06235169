using Alknet.Ssh.Wire;

namespace Alknet.Ssh.Messages;

/// <summary>RFC 4253 §10 SSH_MSG_SERVICE_REQUEST: string service name.</summary>
public readonly record struct ServiceRequest(string ServiceName) : ISshMessage
{
    public const byte MessageNumber = SshMessageNumbers.ServiceRequest;

    public static bool TryRead(ref SshReader r, out ServiceRequest message)
    {
        message = default;
        if (!MessageReading.TryReadNumber(ref r, MessageNumber)) return false;
        var service = r.ReadAsciiString();
        r.EnsureEnd();
        message = new ServiceRequest(service);
        return true;
    }

    public void Write(ref SshWriter w)
    {
        w.WriteByte(MessageNumber);
        w.WriteString(ServiceName);
    }
}
