using System.IO.Pipelines;

namespace Alknet.Engine.Transport;

/// <summary>How a splice (<see cref="SocketConnection.TrySpliceFrom"/>) ended.</summary>
public enum SpliceEnd
{
    /// <summary>The source ended cleanly; the connection sent everything and then FIN.</summary>
    SourceCompleted,

    /// <summary>Reading the source threw (its peer reset, say); the connection was reset.</summary>
    SourceFailed,

    /// <summary>Sending failed, or the connection was aborted.</summary>
    SendFailed,

    /// <summary>The source's pending read was canceled (the relay stopped) or the connection was disposed.</summary>
    Stopped,
}

/// <summary>The end of a splice and, for the failures, what went wrong.</summary>
public readonly record struct SpliceResult(SpliceEnd End, Exception? Error);

/// <summary>
/// Splicing: the send loop sends straight from another pipe's reader, so a relay into this socket copies nothing.
/// </summary>
/// <remarks>
/// <para>A relay that copies reads the source (another connection's <see cref="Input"/>), writes the bytes into
/// this connection's <see cref="Output"/> pipe and flushes; the send loop then sends from there: one memory copy
/// per byte and two pipes' bookkeeping. Spliced, the send loop reads the source itself and sends from the source's
/// own buffers. Backpressure is the source pipe's: while this socket cannot send, the source's writer (the other
/// connection's receive loop) pauses at its threshold, and TCP pushes back on that peer.</para>
/// <para>The switch happens in order: <see cref="TrySpliceFrom"/> completes <see cref="Output"/>; the send loop
/// sends what the application had written to it (a SOCKS5 reply), and only then reads the source. The source's
/// end is this socket's FIN; a source that throws resets this socket, as a relay that completes
/// <see cref="Output"/> with the error would.</para>
/// </remarks>
public sealed partial class SocketConnection
{
    /// <summary>Marks a send loop that ended before any splice was asked for; no splice can start after it.</summary>
    private static readonly Splice SendLoopEnded = new(null!);

    private Splice? _splice;
    private long _splicedBytes;

    /// <summary>Bytes sent from a splice source so far (not counting what went through <see cref="Output"/>).</summary>
    public long SplicedBytes => Volatile.Read(ref _splicedBytes);

    /// <summary>
    /// Hands the send direction to <paramref name="source"/>: after what was written to <see cref="Output"/>, the
    /// connection sends what <paramref name="source"/> delivers until it ends, and completes it then. The caller
    /// must not write to <see cref="Output"/> again (this completes it) nor read <paramref name="source"/>.
    /// </summary>
    /// <param name="source">The reader to send from, typically another connection's <see cref="Input"/>.</param>
    /// <param name="done">Completes when the splice has ended and the source is completed; it never faults.</param>
    /// <returns>False (nothing changed) if the connection is not started, already ended, aborted, disposed, or
    /// splicing already.</returns>
    public bool TrySpliceFrom(PipeReader source, out Task<SpliceResult> done)
    {
        ArgumentNullException.ThrowIfNull(source);
        done = Task.FromResult(default(SpliceResult));
        if (Volatile.Read(ref _started) == 0 || Volatile.Read(ref _aborted) != 0 || Volatile.Read(ref _disposed) != 0)
        {
            return false;
        }

        var splice = new Splice(source);
        if (Interlocked.CompareExchange(ref _splice, splice, null) is not null)
        {
            return false;
        }

        done = splice.Task;
        _output.Writer.Complete();
        return true;
    }

    /// <summary>The send loop, at the end of <see cref="Output"/>: the source to go on with, if a splice was asked for.</summary>
    private PipeReader? SwitchToSpliceSource()
    {
        var splice = Interlocked.CompareExchange(ref _splice, SendLoopEnded, null);
        return splice is null || splice == SendLoopEnded ? null : splice.Source;
    }

    /// <summary>Wakes a send loop waiting on the splice source (Abort, DisposeAsync).</summary>
    private void CancelSpliceRead()
    {
        var splice = Volatile.Read(ref _splice);
        if (splice is not null && splice != SendLoopEnded && !splice.Task.IsCompleted)
        {
            // Before the send loop has switched, this cancels its first read of the source instead.
            splice.Source.CancelPendingRead();
        }
    }

    /// <summary>The send loop ended while splicing: complete the source and report.</summary>
    private async ValueTask CompleteSpliceAsync(PipeReader source, SpliceEnd end, Exception? error)
    {
        try
        {
            await source.CompleteAsync(error).ConfigureAwait(false);
        }
        catch (Exception)
        {
            // The source's owner completed it already; it is done either way.
        }

        Volatile.Read(ref _splice)!.TrySetResult(new SpliceResult(end, error));
    }

    /// <summary>
    /// The send loop ended before it switched to a splice source: no later splice may start, and one that was asked
    /// for fails (the connection broke first).
    /// </summary>
    private ValueTask AbandonSpliceAsync(Exception? error)
    {
        var splice = Interlocked.CompareExchange(ref _splice, SendLoopEnded, null);
        if (splice is not null && splice != SendLoopEnded)
        {
            splice.TrySetResult(new SpliceResult(SpliceEnd.SendFailed, error ?? SocketErrors.Aborted()));
        }

        return ValueTask.CompletedTask;
    }

    /// <summary>One splice: its source and the task that reports its end.</summary>
    private sealed class Splice(PipeReader source) : TaskCompletionSource<SpliceResult>(TaskCreationOptions.RunContinuationsAsynchronously)
    {
        public PipeReader Source { get; } = source;
    }
}
