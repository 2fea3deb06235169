using Alknet.Ssh.Wire;

namespace Alknet.Ssh.Messages;

/// <summary>
/// RFC 4252 §5 SSH_MSG_USERAUTH_REQUEST: string user, string service, string method, method-specific fields.
/// The "publickey" method (RFC 4252 §7) is parsed fully: boolean has_signature, string algorithm, string key blob,
/// [string signature]. "none" has no fields. Other methods keep their fields raw in <see cref="MethodData"/>.
/// </summary>
public sealed record UserAuthRequest : ISshMessage
{
    public const byte MessageNumber = SshMessageNumbers.UserAuthRequest;
    public const string MethodNone = "none";
    public const string MethodPublicKey = "publickey";

    public required string User { get; init; }
    public required string Service { get; init; }
    public required string Method { get; init; }

    /// <summary>publickey only: true when <see cref="Signature"/> is present.</summary>
    public bool HasSignature { get; init; }
    public string? PublicKeyAlgorithm { get; init; }
    public ReadOnlyMemory<byte> PublicKey { get; init; }
    public ReadOnlyMemory<byte> Signature { get; init; }

    /// <summary>The raw fields of a method this type does not parse (password, keyboard-interactive, ...).</summary>
    public ReadOnlyMemory<byte> MethodData { get; init; }

    public static UserAuthRequest None(string user, string service) =>
        new() { User = user, Service = service, Method = MethodNone };

    public static UserAuthRequest PublicKeyQuery(string user, string service, string algorithm, ReadOnlyMemory<byte> blob) =>
        new() { User = user, Service = service, Method = MethodPublicKey, PublicKeyAlgorithm = algorithm, PublicKey = blob };

    public static UserAuthRequest PublicKeySigned(string user, string service, string algorithm, ReadOnlyMemory<byte> blob, ReadOnlyMemory<byte> signature) =>
        new() { User = user, Service = service, Method = MethodPublicKey, HasSignature = true, PublicKeyAlgorithm = algorithm, PublicKey = blob, Signature = signature };

    public static bool TryRead(ref SshReader r, out UserAuthRequest message)
    {
        message = null!;
        if (!MessageReading.TryReadNumber(ref r, MessageNumber)) return false;
        var user = r.ReadUtf8String();
        var service = r.ReadAsciiString();
        var method = r.ReadAsciiString();
        switch (method)
        {
            case MethodNone:
                r.EnsureEnd();
                message = None(user, service);
                return true;
            case MethodPublicKey:
                {
                    bool signed = r.ReadBoolean();
                    var alg = r.ReadAsciiString();
                    var blob = r.ReadString().ToArray();
                    byte[] sig = signed ? r.ReadString().ToArray() : [];
                    r.EnsureEnd();
                    message = new UserAuthRequest
                    {
                        User = user, Service = service, Method = method, HasSignature = signed,
                        PublicKeyAlgorithm = alg, PublicKey = blob, Signature = sig,
                    };
                    return true;
                }
            default:
                message = new UserAuthRequest { User = user, Service = service, Method = method, MethodData = r.RemainingSpan.ToArray() };
                r.ReadBytes(r.Remaining);
                return true;
        }
    }

    public void Write(ref SshWriter w)
    {
        w.WriteByte(MessageNumber);
        w.WriteString(User);
        w.WriteString(Service);
        w.WriteString(Method);
        if (Method == MethodPublicKey)
        {
            w.WriteBoolean(HasSignature);
            w.WriteString(PublicKeyAlgorithm ?? "");
            w.WriteString(PublicKey.Span);
            if (HasSignature) w.WriteString(Signature.Span);
        }
        else if (Method != MethodNone)
        {
            w.WriteRaw(MethodData.Span);
        }
    }

    /// <summary>
    /// RFC 4252 §7: the data a publickey signature covers: string session_id ‖ byte 50 ‖ string user ‖ string service
    /// ‖ string "publickey" ‖ boolean TRUE ‖ string algorithm ‖ string blob.
    /// </summary>
    public static byte[] SignedData(ReadOnlySpan<byte> sessionId, string user, string service, string algorithm, ReadOnlySpan<byte> blob)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(256);
        var w = new SshWriter(buffer);
        w.WriteString(sessionId);
        w.WriteByte(MessageNumber);
        w.WriteString(user);
        w.WriteString(service);
        w.WriteString(MethodPublicKey);
        w.WriteBoolean(true);
        w.WriteString(algorithm);
        w.WriteString(blob);
        w.Commit();
        return buffer.WrittenSpan.ToArray();
    }
}
