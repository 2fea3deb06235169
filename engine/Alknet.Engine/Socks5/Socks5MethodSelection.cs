using System.Buffers;

namespace Alknet.Engine.Socks5;

/// <summary>
/// RFC 1928 §3, the server's METHOD selection message: <c>VER(1)=5 METHOD(1)</c>.
/// X'FF' (<see cref="Socks5AuthMethod.NoAcceptableMethods"/>) tells the client to close.
/// </summary>
public readonly record struct Socks5MethodSelection(Socks5AuthMethod Method) : IWireMessage<Socks5MethodSelection>
{
    public const int Length = 2;

    public static bool TryParse(ref SequenceReader<byte> reader, out Socks5MethodSelection value)
    {
        value = default;
        if (!reader.TryPeek(out var version))
        {
            return false;
        }

        // The version is checked before "need more" so a non-SOCKS5 peer is reported as such.
        if (version != Socks5Constants.Version)
        {
            Socks5ThrowHelper.ThrowBadVersion();
        }

        if (reader.Remaining < Length)
        {
            return false;
        }

        reader.Advance(1);
        reader.TryRead(out var method);
        value = new Socks5MethodSelection((Socks5AuthMethod)method);
        return true;
    }

    public void Write(IBufferWriter<byte> output)
    {
        var span = output.GetSpan(Length);
        span[0] = Socks5Constants.Version;
        span[1] = (byte)Method;
        output.Advance(Length);
    }
}
