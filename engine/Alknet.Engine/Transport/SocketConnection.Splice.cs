using System.IO.Pipelines;

namespace Alknet.Engine.Transport;

/// <summary>Splicing (<see cref="ISpliceTarget"/>): the send loop sends straight from another pipe's reader.</summary>
public sealed partial class SocketConnection : ISpliceTarget
{
    private SpliceSlot _splice;

    /// <inheritdoc />
    public long SplicedBytes => _splice.Bytes;

    /// <inheritdoc />
    public bool TrySpliceFrom(PipeReader source, out Task<SpliceResult> done)
    {
        ArgumentNullException.ThrowIfNull(source);
        if (Volatile.Read(ref _started) == 0 || Volatile.Read(ref _aborted) != 0 || Volatile.Read(ref _disposed) != 0)
        {
            done = Task.FromResult(new SpliceResult(SpliceEnd.SendFailed, null));
            return false;
        }

        if (!_splice.TryRequest(source, out done))
        {
            return false;
        }

        // The send loop finds the request when it reaches the end of Output, after what is already written there.
        _output.Writer.Complete();
        return true;
    }
}
