using System.Buffers;
using System.IO.Pipelines;

namespace Alknet.Engine.Socks5;

/// <summary>How a <see cref="MessageReader.ReadAsync{T}"/> call ended.</summary>
public enum MessageReadStatus
{
    /// <summary>A whole message was parsed and consumed.</summary>
    Message,

    /// <summary>The peer closed its side before sending any byte of the message.</summary>
    PeerClosed,

    /// <summary>The peer closed its side in the middle of the message: an error, never a hang.</summary>
    Truncated,

    /// <summary>The byte cap was reached before the message was complete.</summary>
    TooLarge,
}

/// <summary>
/// The Kestrel-style driver loop for <see cref="IWireMessage{TSelf}"/> parsers: read, try to parse,
/// <c>AdvanceTo(consumed, examined)</c>, and stop at a byte cap or at end of stream.
/// </summary>
/// <remarks>
/// Only the message's own bytes are consumed; anything the peer sent after it (pipelined requests,
/// early tunnel data) stays in the <see cref="PipeReader"/> for whoever reads next.
/// </remarks>
public static class MessageReader
{
    public static async ValueTask<(MessageReadStatus Status, T Value)> ReadAsync<T>(
        PipeReader input, int maxBytes, CancellationToken cancellationToken)
        where T : struct, IWireMessage<T>
    {
        while (true)
        {
            var result = await input.ReadAsync(cancellationToken).ConfigureAwait(false);
            var buffer = result.Buffer;
            if (result.IsCanceled)
            {
                input.AdvanceTo(buffer.Start);
                throw new OperationCanceledException("The read was canceled.");
            }

            bool parsed;
            SequencePosition consumed;
            T value;
            try
            {
                parsed = TryParse(buffer, out consumed, out value);
            }
            catch
            {
                input.AdvanceTo(buffer.Start);
                throw;
            }

            if (parsed)
            {
                input.AdvanceTo(consumed);
                return (MessageReadStatus.Message, value);
            }

            // Limits come before buffering: a message that is still incomplete at its cap never will be.
            if (buffer.Length >= maxBytes)
            {
                input.AdvanceTo(buffer.Start, buffer.End);
                return (MessageReadStatus.TooLarge, default);
            }

            if (result.IsCompleted)
            {
                var empty = buffer.IsEmpty;
                input.AdvanceTo(buffer.Start, buffer.End);
                return (empty ? MessageReadStatus.PeerClosed : MessageReadStatus.Truncated, default);
            }

            input.AdvanceTo(buffer.Start, buffer.End);
        }
    }

    private static bool TryParse<T>(in ReadOnlySequence<byte> buffer, out SequencePosition consumed, out T value)
        where T : struct, IWireMessage<T>
    {
        var reader = new SequenceReader<byte>(buffer);
        if (T.TryParse(ref reader, out value))
        {
            consumed = reader.Position;
            return true;
        }

        consumed = buffer.Start;
        return false;
    }
}
