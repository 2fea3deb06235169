using Alknet.Ssh.Wire;

namespace Alknet.Ssh.Messages;

/// <summary>RFC 8308 §2.3 SSH_MSG_EXT_INFO: uint32 count, then (string name, string value) pairs.</summary>
public readonly record struct ExtInfo(IReadOnlyList<KeyValuePair<string, byte[]>> Extensions) : ISshMessage
{
    public const byte MessageNumber = SshMessageNumbers.ExtInfo;

    /// <summary>A sane cap: OpenSSH sends a handful; a peer announcing millions is exhausting us.</summary>
    public const int MaxExtensions = 64;

    public const string ServerSigAlgs = "server-sig-algs";

    public static bool TryRead(ref SshReader r, out ExtInfo message)
    {
        message = default;
        if (!MessageReading.TryReadNumber(ref r, MessageNumber)) return false;
        uint count = r.ReadUInt32();
        if (count > MaxExtensions) SshProtocolException.ThrowMalformed("EXT_INFO (too many extensions)");
        var list = new List<KeyValuePair<string, byte[]>>((int)count);
        for (uint i = 0; i < count; i++)
        {
            var name = r.ReadAsciiString();
            var value = r.ReadString().ToArray();
            list.Add(new(name, value));
        }
        r.EnsureEnd();
        message = new ExtInfo(list);
        return true;
    }

    /// <summary>The value of an extension as text, or null when absent.</summary>
    public string? Get(string name)
    {
        foreach (var kv in Extensions)
            if (kv.Key == name) return System.Text.Encoding.ASCII.GetString(kv.Value);
        return null;
    }

    public void Write(ref SshWriter w)
    {
        w.WriteByte(MessageNumber);
        w.WriteUInt32((uint)Extensions.Count);
        foreach (var kv in Extensions)
        {
            w.WriteString(kv.Key);
            w.WriteString(kv.Value);
        }
    }
}
