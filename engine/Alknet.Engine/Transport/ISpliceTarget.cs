using System.IO.Pipelines;

namespace Alknet.Engine.Transport;

/// <summary>
/// A connection whose send direction can be handed to another pipe's reader, so that a relay into it copies nothing:
/// its sender reads the source itself and sends from the source's buffers.
/// </summary>
/// <remarks>
/// <para>Copying, a relay reads the source (another connection's Input), writes the bytes into this connection's
/// Output pipe and flushes, and the sender reads them from there: one memory copy per byte and a second pipe's
/// bookkeeping. Spliced, backpressure is the source pipe's: while the target cannot send, the source's writer
/// pauses at its threshold and the source's peer is pushed back on.</para>
/// <para>The switch keeps order: <see cref="TrySpliceFrom"/> completes Output, the sender sends what the
/// application had written to it (a SOCKS5 reply), and only then reads the source. The source's end is the target's
/// end of stream; a source that throws tears the target down, as a relay that completes Output with the error
/// would.</para>
/// </remarks>
public interface ISpliceTarget : IConnection
{
    /// <summary>Bytes sent from the splice source so far (not counting what went through Output).</summary>
    long SplicedBytes { get; }

    /// <summary>
    /// Hands the send direction to <paramref name="source"/>: after what was written to Output, the target sends what
    /// <paramref name="source"/> delivers until it ends, and completes it then. The caller must not write to Output
    /// again (this completes it) nor read <paramref name="source"/>.
    /// </summary>
    /// <param name="source">The reader to send from, typically another connection's Input.</param>
    /// <param name="done">Completes when the splice has ended and the source is completed; it never faults.</param>
    /// <returns>False, with nothing changed, if the target cannot splice now (not started, ended, aborted, disposed,
    /// or splicing already).</returns>
    bool TrySpliceFrom(PipeReader source, out Task<SpliceResult> done);
}
