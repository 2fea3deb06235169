using System.Net.Sockets;
using System.Threading.Tasks.Sources;

namespace Alknet.Engine.Transport;

/// <summary>
/// A reusable <see cref="SocketAsyncEventArgs"/> that can be awaited as a <see cref="ValueTask{TResult}"/>.
/// </summary>
/// <remarks>
/// One instance per direction per connection is the whole cost of a socket operation: the event args, the
/// completion source and the OS-side operation object are all reused, so a steady stream of receives or sends
/// allocates nothing. Completions run the continuation inline on the socket engine's thread (no extra hop);
/// the caller never issues a second operation before awaiting the first, so the single-slot core suffices.
/// Execution context is not captured: the loops that use this have no ambient state to flow.
/// </remarks>
internal abstract class SocketAwaitableEventArgs : SocketAsyncEventArgs, IValueTaskSource<SocketOperationResult>
{
    private ManualResetValueTaskSourceCore<SocketOperationResult> _core;

    protected SocketAwaitableEventArgs()
        : base(unsafeSuppressExecutionContextFlow: true)
    {
    }

    /// <summary>Arms the completion source; must run before the socket operation is started.</summary>
    protected void Prepare() => _core.Reset();

    /// <summary>Turns the "pending" flag returned by Socket.*Async(SocketAsyncEventArgs) into an awaitable.</summary>
    protected ValueTask<SocketOperationResult> Complete(bool pending) =>
        pending
            ? new ValueTask<SocketOperationResult>(this, _core.Version)
            : new ValueTask<SocketOperationResult>(new SocketOperationResult(BytesTransferred, SocketError));

    protected override void OnCompleted(SocketAsyncEventArgs e) =>
        _core.SetResult(new SocketOperationResult(BytesTransferred, SocketError));

    SocketOperationResult IValueTaskSource<SocketOperationResult>.GetResult(short token) => _core.GetResult(token);

    ValueTaskSourceStatus IValueTaskSource<SocketOperationResult>.GetStatus(short token) => _core.GetStatus(token);

    void IValueTaskSource<SocketOperationResult>.OnCompleted(
        Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _core.OnCompleted(continuation, state, token, flags);
}
