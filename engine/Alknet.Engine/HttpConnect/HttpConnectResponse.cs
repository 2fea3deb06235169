using System.Buffers;
using System.Globalization;
using Alknet.Engine.Socks5;

namespace Alknet.Engine.HttpConnect;

/// <summary>
/// The proxy's answer to CONNECT: RFC 9112 §4 status line
/// (<c>HTTP/1.x SP 3DIGIT [SP reason-phrase] CRLF</c>) followed by RFC 9112 §5 field lines and an empty line.
/// </summary>
/// <remarks>
/// Only the status code matters to a tunnel; the fields are validated and skipped. As RFC 9112 §2.2
/// allows, a bare LF is accepted as a line terminator. obs-fold (a field line starting with whitespace) is
/// rejected, which RFC 9112 §5.2 permits. Everything after the empty line is tunnel data and is not
/// consumed. Status codes outside 100..599 are malformed. <see cref="Write"/> emits a status line and an
/// empty line, which is all a tunnel endpoint needs to send.
/// </remarks>
public readonly record struct HttpConnectResponse(int StatusCode) : IWireMessage<HttpConnectResponse>
{
    /// <summary>The cap on the status line and header block together.</summary>
    public const int MaxHeaderBytes = 16 * 1024;

    public bool IsSuccess => StatusCode is >= 200 and <= 299;

    public static bool TryParse(ref SequenceReader<byte> reader, out HttpConnectResponse value)
    {
        value = default;
        var r = reader;

        // Reject a non-HTTP peer as soon as its first bytes show it, not only at the cap.
        CheckPrefix(r);
        if (!r.TryReadTo(out ReadOnlySequence<byte> statusLine, (byte)'\n'))
        {
            return false;
        }

        var status = ParseStatusLine(statusLine);
        while (true)
        {
            if (!r.TryReadTo(out ReadOnlySequence<byte> line, (byte)'\n'))
            {
                return false;
            }

            if (IsEmptyLine(line))
            {
                break;
            }

            ValidateFieldLine(line);
        }

        value = new HttpConnectResponse(status);
        reader = r;
        return true;
    }

    public void Write(IBufferWriter<byte> output)
    {
        if (StatusCode is < 100 or > 999)
        {
            throw new InvalidOperationException("A status code has three digits.");
        }

        var span = output.GetSpan(32);
        "HTTP/1.1 "u8.CopyTo(span);
        span[9] = (byte)('0' + (StatusCode / 100));
        span[10] = (byte)('0' + (StatusCode / 10 % 10));
        span[11] = (byte)('0' + (StatusCode % 10));
        var reason = IsSuccess ? " Connection established\r\n\r\n"u8 : " Failed\r\n\r\n"u8;
        reason.CopyTo(span[12..]);
        output.Advance(12 + reason.Length);
    }

    private static void CheckPrefix(SequenceReader<byte> r)
    {
        ReadOnlySpan<byte> prefix = "HTTP/"u8;
        Span<byte> head = stackalloc byte[5];
        var n = (int)Math.Min(r.Remaining, 5);
        head = head[..n];
        r.TryCopyTo(head);
        if (!prefix.StartsWith(head))
        {
            HttpConnectThrowHelper.ThrowBadStatusLine();
        }
    }

    private static bool IsEmptyLine(in ReadOnlySequence<byte> line) =>
        line.IsEmpty || (line.Length == 1 && line.FirstSpan[0] == (byte)'\r');

    /// <summary><c>HTTP/DIGIT.DIGIT SP 3DIGIT [SP reason]</c>, reason = *( HTAB / SP / VCHAR / obs-text ).</summary>
    private static int ParseStatusLine(in ReadOnlySequence<byte> line)
    {
        var r = new SequenceReader<byte>(StripCr(line));
        int d1 = 0, d2 = 0, d3 = 0;
        if (!r.IsNext("HTTP/"u8, advancePast: true)
            || !TryReadDigit(ref r, out var major) || major != 1
            || !r.IsNext((byte)'.', advancePast: true)
            || !TryReadDigit(ref r, out _)
            || !r.IsNext((byte)' ', advancePast: true)
            || !TryReadDigit(ref r, out d1) || !TryReadDigit(ref r, out d2) || !TryReadDigit(ref r, out d3))
        {
            HttpConnectThrowHelper.ThrowBadStatusLine();
        }

        var status = (d1 * 100) + (d2 * 10) + d3;
        if (status is < 100 or > 599)
        {
            HttpConnectThrowHelper.ThrowBadStatusLine();
        }

        if (!r.End)
        {
            if (!r.IsNext((byte)' ', advancePast: true))
            {
                HttpConnectThrowHelper.ThrowBadStatusLine();
            }

            while (r.TryRead(out var b))
            {
                if (!IsFieldValueByte(b))
                {
                    HttpConnectThrowHelper.ThrowBadStatusLine();
                }
            }
        }

        return status;
    }

    /// <summary>RFC 9110 §5.1/§5.5: <c>token ":" OWS field-value OWS</c>.</summary>
    private static void ValidateFieldLine(in ReadOnlySequence<byte> line)
    {
        var r = new SequenceReader<byte>(StripCr(line));
        var nameLength = 0;
        while (true)
        {
            if (!r.TryRead(out var b))
            {
                HttpConnectThrowHelper.ThrowBadHeader();
            }

            if (b == (byte)':')
            {
                break;
            }

            if (!IsTokenByte(b))
            {
                HttpConnectThrowHelper.ThrowBadHeader();
            }

            nameLength++;
        }

        if (nameLength == 0)
        {
            HttpConnectThrowHelper.ThrowBadHeader();
        }

        while (r.TryRead(out var b))
        {
            if (!IsFieldValueByte(b))
            {
                HttpConnectThrowHelper.ThrowBadHeader();
            }
        }
    }

    private static ReadOnlySequence<byte> StripCr(in ReadOnlySequence<byte> line)
    {
        if (line.IsEmpty)
        {
            return line;
        }

        var last = line.Slice(line.Length - 1);
        return last.FirstSpan[0] == (byte)'\r' ? line.Slice(0, line.Length - 1) : line;
    }

    private static bool TryReadDigit(ref SequenceReader<byte> r, out int digit)
    {
        digit = 0;
        if (!r.TryRead(out var b) || b is < (byte)'0' or > (byte)'9')
        {
            return false;
        }

        digit = b - '0';
        return true;
    }

    /// <summary>RFC 9110 §5.6.2 tchar.</summary>
    private static bool IsTokenByte(byte b) =>
        b is >= (byte)'a' and <= (byte)'z' or >= (byte)'A' and <= (byte)'Z' or >= (byte)'0' and <= (byte)'9'
            or (byte)'!' or (byte)'#' or (byte)'$' or (byte)'%' or (byte)'&' or (byte)'\'' or (byte)'*'
            or (byte)'+' or (byte)'-' or (byte)'.' or (byte)'^' or (byte)'_' or (byte)'`' or (byte)'|' or (byte)'~';

    /// <summary>HTAB, SP, VCHAR and obs-text; CR, LF, NUL and other controls are not allowed.</summary>
    private static bool IsFieldValueByte(byte b) => b == (byte)'\t' || (b >= 0x20 && b != 0x7F);

    /// <summary>For diagnostics in tests: the status code as text.</summary>
    public override string ToString() => StatusCode.ToString(CultureInfo.InvariantCulture);
}
