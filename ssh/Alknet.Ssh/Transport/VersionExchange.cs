using System.Buffers;
using System.IO.Pipelines;
using System.Text;

namespace Alknet.Ssh.Transport;

/// <summary>
/// RFC 4253 §4.2 protocol version exchange. Each side sends <c>SSH-2.0-softwareversion CR LF</c>. A client skips up to
/// 1024 lines the server sends first; a server requires the first line to be the version. Lines are at most 255
/// bytes including CR LF; a bare LF is accepted. The version strings are hashed without CR LF.
/// </summary>
internal static class VersionExchange
{
    public const int MaxLineLength = 255;
    public const int MaxPreambleLines = 1024;

    public static async ValueTask WriteAsync(PipeWriter output, string version, CancellationToken ct)
    {
        if (version.Length + 2 > MaxLineLength) throw new ArgumentException("version string too long", nameof(version));
        var bytes = Encoding.ASCII.GetBytes(version + "\r\n");
        await output.WriteAsync(bytes, ct).ConfigureAwait(false);
    }

    /// <summary>Reads the peer's version line. Bytes after it (the first packet) stay in the pipe.</summary>
    public static async ValueTask<string> ReadAsync(PipeReader input, bool isServer, CancellationToken ct)
    {
        int skipped = 0;
        while (true)
        {
            var result = await input.ReadAsync(ct).ConfigureAwait(false);
            var buffer = result.Buffer;
            while (TryReadLine(ref buffer, out var line))
            {
                if (line.StartsWith("SSH-", StringComparison.Ordinal))
                {
                    input.AdvanceTo(buffer.Start);
                    if (!line.StartsWith("SSH-2.0-", StringComparison.Ordinal) && !line.StartsWith("SSH-1.99-", StringComparison.Ordinal))
                        SshProtocolException.Throw(SshDisconnectReason.ProtocolVersionNotSupported, "unsupported protocol version");
                    return line;
                }
                if (isServer)
                {
                    input.AdvanceTo(buffer.Start);
                    SshProtocolException.Throw(SshDisconnectReason.ProtocolError, "the client did not start with an SSH version line");
                }
                if (++skipped > MaxPreambleLines)
                {
                    input.AdvanceTo(buffer.Start);
                    SshProtocolException.Throw(SshDisconnectReason.ProtocolError, "too many lines before the version line");
                }
            }
            if (buffer.Length > MaxLineLength)
            {
                input.AdvanceTo(buffer.Start);
                SshProtocolException.Throw(SshDisconnectReason.ProtocolError, "version line longer than 255 bytes");
            }
            if (result.IsCompleted)
            {
                input.AdvanceTo(buffer.Start, buffer.End);
                SshProtocolException.Throw(SshDisconnectReason.ConnectionLost, "connection closed during version exchange");
            }
            input.AdvanceTo(buffer.Start, buffer.End);
        }
    }

    private static bool TryReadLine(ref ReadOnlySequence<byte> buffer, out string line)
    {
        line = "";
        var lf = buffer.PositionOf((byte)'\n');
        if (lf is null) return false;
        var slice = buffer.Slice(0, lf.Value);
        if (slice.Length + 1 > MaxLineLength)
            SshProtocolException.Throw(SshDisconnectReason.ProtocolError, "version line longer than 255 bytes");
        Span<byte> bytes = stackalloc byte[MaxLineLength];
        bytes = bytes[..(int)slice.Length];
        slice.CopyTo(bytes);
        if (!bytes.IsEmpty && bytes[^1] == (byte)'\r') bytes = bytes[..^1];
        foreach (byte b in bytes)
            if (b is < 0x20 or > 0x7E) SshProtocolException.Throw(SshDisconnectReason.ProtocolError, "non-printable byte in version line");
        line = Encoding.ASCII.GetString(bytes);
        buffer = buffer.Slice(buffer.GetPosition(1, lf.Value));
        return true;
    }
}
