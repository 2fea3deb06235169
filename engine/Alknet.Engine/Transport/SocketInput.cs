using System.IO.Pipelines;
using System.Runtime.CompilerServices;
using System.Threading.Tasks.Sources;

namespace Alknet.Engine.Transport;

/// <summary>
/// The application's view of a <see cref="SocketConnection"/>'s input pipe: everything the socket received
/// before an error is delivered first, then the error.
/// </summary>
/// <remarks>
/// <para>A <see cref="Pipe"/> whose writer completes with an exception throws it on the next read even when
/// unread bytes are buffered. The receive loop runs ahead of the reader, so a peer that answers and then resets
/// (dante refusing a CONNECT, a server that sends DISCONNECT and closes with unread data) would lose its answer
/// whenever the reset was received before the reader got to the answer; the kernel itself hands those bytes out
/// before reporting the reset. So the receive loop records the error here and completes the pipe normally; this
/// reader turns the pipe's end into the error once the application has taken the bytes before it:</para>
/// <list type="bullet">
/// <item>while bytes remain, reads return them with <c>IsCompleted</c> false (a reset is not a clean end);</item>
/// <item>once the application has consumed them, or has examined all of them and asks for more, the read
/// throws the error, as the pipe would have.</item>
/// </list>
/// <para>Without an error it is a pass-through. A pending read is this object as the value task's source: the
/// caller's continuation is registered on the pipe's own read, so the pipe's scheduling, its handling of a read
/// that completes while the continuation is being registered, and its execution-context flow are unchanged,
/// and nothing is allocated.</para>
/// </remarks>
internal sealed class SocketInput : PipeReader, IValueTaskSource<ReadResult>
{
    private readonly PipeReader _inner;
    private readonly Action _invokeContinuation;
    private ValueTask<ReadResult> _pending;
    private short _token;
    private Action<object?>? _continuation;
    private object? _continuationState;
    private Exception? _error;

    // Set while bytes received before the error are being handed out.
    private bool _draining;
    private SequencePosition _drainEnd;
    private bool _examinedToDrainEnd;

    public SocketInput(PipeReader inner)
    {
        _inner = inner;
        _invokeContinuation = InvokeContinuation;
    }

    /// <summary>
    /// Records the receive error. Call before completing the pipe's writer normally: a read that sees the
    /// pipe's end then sees the error too.
    /// </summary>
    public void SetError(Exception error) => Volatile.Write(ref _error, error);

    public override ValueTask<ReadResult> ReadAsync(CancellationToken cancellationToken = default)
    {
        // CA2012: the pipe's read is consumed exactly once, here or in GetResult.
#pragma warning disable CA2012
        var read = _inner.ReadAsync(cancellationToken);
#pragma warning restore CA2012
        if (read.IsCompleted)
        {
            return new ValueTask<ReadResult>(Filter(read.GetAwaiter().GetResult()));
        }

        _pending = read;
        return new ValueTask<ReadResult>(this, ++_token);
    }

    public override bool TryRead(out ReadResult result)
    {
        if (_inner.TryRead(out var inner))
        {
            result = Filter(inner);
            return true;
        }

        result = default;
        return false;
    }

    public override void AdvanceTo(SequencePosition consumed) => AdvanceTo(consumed, consumed);

    public override void AdvanceTo(SequencePosition consumed, SequencePosition examined)
    {
        if (_draining)
        {
            _examinedToDrainEnd = examined.Equals(_drainEnd);
        }

        _inner.AdvanceTo(consumed, examined);
    }

    public override void CancelPendingRead() => _inner.CancelPendingRead();

    public override void Complete(Exception? exception = null) => _inner.Complete(exception);

    public override ValueTask CompleteAsync(Exception? exception = null) => _inner.CompleteAsync(exception);

    ValueTaskSourceStatus IValueTaskSource<ReadResult>.GetStatus(short token)
    {
        CheckToken(token);
        var read = _pending;
        return !read.IsCompleted ? ValueTaskSourceStatus.Pending
            : read.IsCanceled ? ValueTaskSourceStatus.Canceled
            : read.IsFaulted ? ValueTaskSourceStatus.Faulted
            : ValueTaskSourceStatus.Succeeded;
    }

    void IValueTaskSource<ReadResult>.OnCompleted(
        Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags)
    {
        CheckToken(token);
        _continuation = continuation;
        _continuationState = state;

        // The pipe runs the continuation on its reader scheduler, also when the read completed meanwhile; it
        // ignores the scheduling context (the pipe is created without one), as it did for direct readers.
        var awaiter = _pending.GetAwaiter();
        if ((flags & ValueTaskSourceOnCompletedFlags.FlowExecutionContext) != 0)
        {
            awaiter.OnCompleted(_invokeContinuation);
        }
        else
        {
            awaiter.UnsafeOnCompleted(_invokeContinuation);
        }
    }

    private void InvokeContinuation()
    {
        var continuation = _continuation!;
        var state = _continuationState;
        _continuation = null;
        _continuationState = null;
        continuation(state);
    }

    ReadResult IValueTaskSource<ReadResult>.GetResult(short token)
    {
        CheckToken(token);
        var read = _pending;
        _pending = default;
        return Filter(read.GetAwaiter().GetResult());
    }

    private void CheckToken(short token)
    {
        if (token != _token)
        {
            throw new InvalidOperationException("The read result was already consumed, or this is not the current read.");
        }
    }

    private ReadResult Filter(ReadResult result)
    {
        if (!result.IsCompleted)
        {
            return result;
        }

        var error = Volatile.Read(ref _error);
        if (error is null)
        {
            return result; // the peer's FIN: a clean end
        }

        var buffer = result.Buffer;
        if (buffer.IsEmpty || (_draining && _examinedToDrainEnd && buffer.End.Equals(_drainEnd)))
        {
            // Everything before the error was consumed, or the application saw all of it and wants more.
            throw error;
        }

        _draining = true;
        _drainEnd = buffer.End;
        _examinedToDrainEnd = false;
        return new ReadResult(buffer, result.IsCanceled, isCompleted: false);
    }
}
