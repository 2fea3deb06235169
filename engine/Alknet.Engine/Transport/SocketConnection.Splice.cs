using System.IO.Pipelines;

namespace Alknet.Engine.Transport;

/// <summary>Splicing (<see cref="ISpliceTarget"/>): the send loop sends straight from another pipe's reader.</summary>
public sealed partial class SocketConnection : ISpliceTarget
{
    private SpliceSlot _splice;

    /// <inheritdoc />
    public long SplicedBytes => _splice.Bytes;

    /// <inheritdoc />
    public bool TrySpliceFrom(PipeReader source, out Task<SpliceResult> done) =>
        _splice.TryStart(
            Volatile.Read(ref _started) != 0 && Volatile.Read(ref _aborted) == 0 && Volatile.Read(ref _disposed) == 0,
            source, _output.Writer, out done);
}
