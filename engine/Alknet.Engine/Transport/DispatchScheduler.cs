using System.IO.Pipelines;

namespace Alknet.Engine.Transport;

/// <summary>
/// A <see cref="PipeScheduler"/> that runs each continuation as its own thread-pool work item, reusing itself as
/// the work item so that dispatching allocates nothing.
/// </summary>
/// <remarks>
/// Application continuations (a read completing on <see cref="SocketConnection.Input"/>, a paused flush on
/// <see cref="SocketConnection.Output"/> resuming) must not run inline on the socket completion thread: code that
/// blocks there (sync-over-async, a slow handler) would stall the socket engine and can deadlock other
/// connections. <see cref="PipeScheduler.ThreadPool"/> dispatches safely but allocates a work item per call.
/// One pipe end has at most one continuation outstanding at a time, so a single slot suffices; if a second one
/// ever arrives while the slot is busy, it falls back to the allocating thread-pool path rather than being lost.
/// </remarks>
public sealed class DispatchScheduler : PipeScheduler, IThreadPoolWorkItem
{
    private Action<object?>? _action;
    private object? _state;
    private int _busy;

    public override void Schedule(Action<object?> action, object? state)
    {
        if (Interlocked.CompareExchange(ref _busy, 1, 0) != 0)
        {
            System.Threading.ThreadPool.UnsafeQueueUserWorkItem(action, state, preferLocal: false);
            return;
        }

        _action = action;
        _state = state;
        System.Threading.ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
    }

    void IThreadPoolWorkItem.Execute()
    {
        var action = _action!;
        var state = _state;
        _action = null;
        _state = null;
        Volatile.Write(ref _busy, 0);
        action(state);
    }
}
