using System.IO.Pipelines;
using Alknet.Engine.Transport;

namespace Alknet.Ssh.Connection;

/// <summary>
/// Splicing (<see cref="ISpliceTarget"/>): the send pump cuts CHANNEL_DATA straight from another pipe's buffers (a
/// socket's input), so the packet is encrypted from the bytes the socket received, with no copy into the send pipe.
/// </summary>
public sealed partial class SshChannel : ISpliceTarget
{
    private SpliceSlot _splice;

    /// <inheritdoc />
    public long SplicedBytes => _splice.Bytes;

    /// <inheritdoc />
    public bool TrySpliceFrom(PipeReader source, out Task<SpliceResult> done) =>
        _splice.TryStart(
            _opened.Task.IsCompletedSuccessfully && !_closing && Volatile.Read(ref _pumpFinished) == 0 && Volatile.Read(ref _disposed) == 0,
            source, _send.Writer, out done);
}
