using Alknet.Ssh.Wire;

namespace Alknet.Ssh.Messages;

/// <summary>
/// A message that can write itself (message number first) into a packet payload. Implemented by structs and used
/// through constrained generics, so writing a message never boxes.
/// </summary>
public interface ISshMessage
{
    void Write(ref SshWriter w);
}

/// <summary>Shared helpers for message readers.</summary>
internal static class MessageReading
{
    /// <summary>Consumes the message number when it matches; otherwise consumes nothing and returns false.</summary>
    public static bool TryReadNumber(ref SshReader r, byte expected)
    {
        var rest = r.RemainingSpan;
        if (rest.IsEmpty || rest[0] != expected) return false;
        r.ReadByte();
        return true;
    }
}
