using System.IO.Pipelines;

namespace Alknet.Engine.Relay;

/// <summary>Moves bytes between two duplex pipes in both directions until both directions are done.</summary>
/// <remarks>
/// <para>Each direction reads whatever its source has buffered, copies it into the destination's writer and
/// flushes once per read, so a large read becomes one large send. A source's end of stream completes the
/// destination's output (half-close: TCP FIN, SSH CHANNEL_EOF) while the opposite direction keeps flowing.</para>
/// <para>An error in either direction stops both: the other direction's pending read or flush is canceled, all
/// four pipe ends are completed with the error and connections are aborted, so nothing behind the relay hangs.
/// The result is returned as a value; I/O errors never escape as exceptions. Stopping relies on
/// <see cref="PipeReader.CancelPendingRead"/> and <see cref="PipeWriter.CancelPendingFlush"/>, so pipe
/// implementations given to the relay must honour both.</para>
/// <para>Allocation: one <see cref="RelaySession"/> per relay (it also carries the idle timer's state and both
/// direction loops' state machines). Moving a chunk allocates nothing: the loops are ordinary async methods
/// whose boxes are created once at the first suspension and reused, pipe awaits are allocation-free, and the
/// idle timer is re-armed only when it fires rather than per chunk.</para>
/// </remarks>
public static class Relay
{
    /// <summary>Relays <paramref name="left"/> ⇄ <paramref name="right"/> and reports how it ended.</summary>
    public static ValueTask<RelayResult> RunAsync(
        IDuplexPipe left, IDuplexPipe right, RelayOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(left);
        ArgumentNullException.ThrowIfNull(right);
        ArgumentNullException.ThrowIfNull(options);
        return new RelaySession(left, right, options).RunAsync(cancellationToken);
    }
}
