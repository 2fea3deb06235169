using System.Text;
using Microsoft.Extensions.Logging;

namespace Alknet.Cli.Hosting;

/// <summary>
/// The bytes of one log line, exactly as Microsoft.Extensions.Logging's SimpleConsole formatter wrote them with the
/// options the CLI used (single line, UTC, <c>yyyy-MM-ddTHH:mm:ss.fffZ </c>, no colours, no scopes):
/// <code>2026-12-01T21:34:38.075Z info: alknet.socks[1] listening on 127.0.0.1:17002</code>
/// Operators' fail2ban filters and the journal read these lines, so the shape is a contract. An exception follows
/// the message after one space, its ToString() with every newline replaced by a space (SimpleConsole's single-line
/// rule, applied to the message as well), so a record is always exactly one line.
/// </summary>
internal static class LineFormat
{
    /// <summary>"yyyy-MM-ddTHH:mm:ss.fffZ " is always 25 bytes (years 1 to 9999).</summary>
    public const int TimestampLength = 25;

    private const int LevelLength = 4;
    private const int MaxEventIdLength = 11; // "-2147483648"

    private static readonly byte[] NewLine = Encoding.UTF8.GetBytes(Environment.NewLine);

    /// <summary>The per-category constant part, <c>": category["</c>, encoded once when the logger is created.</summary>
    public static byte[] CategoryPrefix(string category) => Encoding.UTF8.GetBytes(": " + category + "[");

    /// <summary>An upper bound for <see cref="Write"/>'s output, so the caller can size the buffer without a trial run.</summary>
    public static int MaxLength(int categoryPrefixLength, string? message, string? exception) =>
        TimestampLength + LevelLength + categoryPrefixLength + MaxEventIdLength + 1
        + (message is null ? 0 : 1 + Encoding.UTF8.GetMaxByteCount(message.Length))
        + (exception is null ? 0 : 1 + Encoding.UTF8.GetMaxByteCount(exception.Length))
        + NewLine.Length;

    /// <summary>
    /// Writes one line into <paramref name="destination"/> (at least <see cref="MaxLength"/> bytes) and returns its
    /// length. Nothing is allocated unless the message or the exception text contains a newline.
    /// </summary>
    public static int Write(Span<byte> destination, DateTime utc, LogLevel level, ReadOnlySpan<byte> categoryPrefix, int eventId,
        string? message, string? exception)
    {
        WriteTimestamp(destination, utc);
        int n = TimestampLength;
        Level(level).CopyTo(destination[n..]);
        n += LevelLength;
        categoryPrefix.CopyTo(destination[n..]);
        n += categoryPrefix.Length;
        eventId.TryFormat(destination[n..], out int digits, default, System.Globalization.CultureInfo.InvariantCulture);
        n += digits;
        destination[n++] = (byte)']';
        n += WriteText(destination[n..], message);
        n += WriteText(destination[n..], exception);
        NewLine.CopyTo(destination[n..]);
        return n + NewLine.Length;
    }

    /// <summary>
    /// " text" with newlines flattened, or nothing for null or empty text (SimpleConsole skips an empty message and
    /// its separating space). The string.Replace only happens for multi-line text: exceptions, rarely a message.
    /// </summary>
    private static int WriteText(Span<byte> destination, string? text)
    {
        if (string.IsNullOrEmpty(text)) return 0;
        if (text.Contains(Environment.NewLine, StringComparison.Ordinal)) text = text.Replace(Environment.NewLine, " ", StringComparison.Ordinal);
        destination[0] = (byte)' ';
        return 1 + Encoding.UTF8.GetBytes(text, destination[1..]);
    }

    /// <summary>SimpleConsole's level abbreviations. None is never logged (IsEnabled refuses it).</summary>
    private static ReadOnlySpan<byte> Level(LogLevel level) => level switch
    {
        LogLevel.Trace => "trce"u8,
        LogLevel.Debug => "dbug"u8,
        LogLevel.Information => "info"u8,
        LogLevel.Warning => "warn"u8,
        LogLevel.Error => "fail"u8,
        LogLevel.Critical => "crit"u8,
        _ => throw new ArgumentOutOfRangeException(nameof(level)),
    };

    /// <summary>
    /// By hand rather than DateTime.TryFormat with a custom format string: this runs for every line and the format
    /// never changes, and the digits are all that DateTime's general formatter would produce here (invariant culture).
    /// </summary>
    private static void WriteTimestamp(Span<byte> d, DateTime t)
    {
        _ = d[TimestampLength - 1];
        Digits(d, 0, t.Year, 4);
        d[4] = (byte)'-';
        Digits(d, 5, t.Month, 2);
        d[7] = (byte)'-';
        Digits(d, 8, t.Day, 2);
        d[10] = (byte)'T';
        Digits(d, 11, t.Hour, 2);
        d[13] = (byte)':';
        Digits(d, 14, t.Minute, 2);
        d[16] = (byte)':';
        Digits(d, 17, t.Second, 2);
        d[19] = (byte)'.';
        Digits(d, 20, t.Millisecond, 3);
        d[23] = (byte)'Z';
        d[24] = (byte)' ';
    }

    private static void Digits(Span<byte> d, int at, int value, int count)
    {
        for (int i = at + count - 1; i >= at; i--)
        {
            d[i] = (byte)('0' + value % 10);
            value /= 10;
        }
    }
}
