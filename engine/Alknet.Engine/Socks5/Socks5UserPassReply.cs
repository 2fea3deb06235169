using System.Buffers;

namespace Alknet.Engine.Socks5;

/// <summary>
/// RFC 1929 §2, the server's username/password status: <c>VER(1)=1 STATUS(1)</c>.
/// X'00' is success; any other value is failure and the server closes the connection.
/// </summary>
public readonly record struct Socks5UserPassReply(byte Status) : IWireMessage<Socks5UserPassReply>
{
    public const int Length = 2;

    /// <summary>The failure status this server sends; RFC 1929 only requires it to be non-zero.</summary>
    public const byte FailureStatus = 0x01;

    public bool Succeeded => Status == 0;

    public static bool TryParse(ref SequenceReader<byte> reader, out Socks5UserPassReply value)
    {
        value = default;
        if (!reader.TryPeek(out var version))
        {
            return false;
        }

        if (version != Socks5Constants.UserPassVersion)
        {
            Socks5ThrowHelper.ThrowBadAuthVersion();
        }

        if (reader.Remaining < Length)
        {
            return false;
        }

        reader.Advance(1);
        reader.TryRead(out var status);
        value = new Socks5UserPassReply(status);
        return true;
    }

    public void Write(IBufferWriter<byte> output)
    {
        var span = output.GetSpan(Length);
        span[0] = Socks5Constants.UserPassVersion;
        span[1] = Status;
        output.Advance(Length);
    }
}
