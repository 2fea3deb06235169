using System.Buffers;

namespace Alknet.Engine.Socks5;

/// <summary>
/// SOCKS5 messages are small (at most a few hundred octets), so parsers work on one contiguous span:
/// the reader's current segment when it already holds the bytes (the common case), otherwise a copy of
/// at most the message's maximum length into the caller's stack buffer.
/// </summary>
internal static class Socks5Span
{
    public static ReadOnlySpan<byte> Contiguous(in SequenceReader<byte> reader, Span<byte> scratch)
    {
        var span = reader.UnreadSpan;
        if (span.Length >= scratch.Length || span.Length == reader.Remaining)
        {
            return span;
        }

        var n = (int)Math.Min(reader.Remaining, scratch.Length);
        reader.TryCopyTo(scratch[..n]);
        return scratch[..n];
    }
}
