using System.Buffers;
using System.IO.Pipelines;
using System.Runtime.CompilerServices;

namespace Alknet.Ssh.Connection;

/// <summary>
/// The application's end of a channel's receive pipe. It forwards to the pipe and tells the channel how many bytes
/// the application consumed, because the receive window is tied to consumption (DESIGN.md "Channels"): the peer may
/// send more only after our application took what it already sent, so a slow reader holds back only its own peer.
/// </summary>
internal sealed class ChannelInput(PipeReader inner, SshChannel channel) : PipeReader
{
    private ReadOnlySequence<byte> _last;

    public override ValueTask<ReadResult> ReadAsync(CancellationToken cancellationToken = default)
    {
        var pending = inner.ReadAsync(cancellationToken);
        if (pending.IsCompletedSuccessfully)
        {
            var result = pending.Result;
            _last = result.Buffer;
            return new ValueTask<ReadResult>(result);
        }
        return Remember(pending);
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<ReadResult> Remember(ValueTask<ReadResult> pending)
    {
        var result = await pending.ConfigureAwait(false);
        _last = result.Buffer;
        return result;
    }

    public override bool TryRead(out ReadResult result)
    {
        if (!inner.TryRead(out result)) return false;
        _last = result.Buffer;
        return true;
    }

    public override void AdvanceTo(SequencePosition consumed) => AdvanceTo(consumed, consumed);

    public override void AdvanceTo(SequencePosition consumed, SequencePosition examined)
    {
        long n = _last.Slice(_last.Start, consumed).Length;
        _last = default;
        inner.AdvanceTo(consumed, examined);
        if (n > 0) channel.OnConsumed(n);
    }

    public override void CancelPendingRead() => inner.CancelPendingRead();

    public override void Complete(Exception? exception = null) => channel.CompleteInput(inner, exception);
}
