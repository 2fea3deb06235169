using System.Threading.Tasks.Sources;

namespace Alknet.Ssh.Transport;

/// <summary>
/// A first-in first-out async mutual-exclusion lock that allocates nothing in steady state, used where
/// <see cref="SemaphoreSlim"/>(1, 1) was: the session's write lock and each channel's send gate.
/// </summary>
/// <remarks>
/// <see cref="SemaphoreSlim.WaitAsync()"/> allocates a task node every time it has to wait. On the channel data path
/// it has to wait whenever two writers meet (a channel's send pump and the window adjusts for the other direction,
/// or the pumps of several channels), which cost about 2 B per CHANNEL_DATA packet with data flowing both ways
/// (ChannelAllocationTests). Here a waiter is a pooled <see cref="IValueTaskSource"/> node that goes back to the pool
/// once its wait has been observed. Continuations run asynchronously, as with the semaphore: releasing never runs
/// the next holder's code on the releasing thread.
/// </remarks>
internal sealed class AsyncLock
{
    private readonly object _sync = new();
    private bool _held;
    private Waiter? _head;
    private Waiter? _tail;
    private Waiter? _free;

    /// <summary>Whether someone holds the lock (for diagnostics and tests).</summary>
    public bool IsHeld
    {
        get { lock (_sync) return _held; }
    }

    /// <summary>Takes the lock, waiting in line when it is held. Cancellation removes the waiter from the line.</summary>
    public ValueTask WaitAsync(CancellationToken cancellationToken = default)
    {
        if (cancellationToken.IsCancellationRequested) return ValueTask.FromCanceled(cancellationToken);
        Waiter waiter;
        lock (_sync)
        {
            if (!_held)
            {
                _held = true;
                return default;
            }
            waiter = _free ?? new Waiter(this);
            _free = waiter.Next;
            waiter.Next = null;
            if (_tail is null) _head = waiter;
            else _tail.Next = waiter;
            _tail = waiter;
            waiter.Queued = true;
            // Registered while the waiter cannot yet be granted, so a registration never outlives its wait. A token
            // canceled meanwhile runs the callback right here; Monitor is reentrant, and it dequeues and fails the waiter.
            if (cancellationToken.CanBeCanceled) waiter.Watch(cancellationToken);
            return new ValueTask(waiter, waiter.Version);
        }
    }

    /// <summary>Releases the lock; the longest waiter, if any, holds it next.</summary>
    public void Release()
    {
        Waiter? next;
        lock (_sync)
        {
            if (!_held) throw new SemaphoreFullException();
            next = _head;
            if (next is null)
            {
                _held = false;
                return;
            }
            _head = next.Next;
            if (_head is null) _tail = null;
            next.Next = null;
            next.Queued = false;
        }
        // Ownership passes straight to the waiter (_held stays set), outside our lock.
        next.Grant();
    }

    private void Cancel(Waiter waiter, CancellationToken token)
    {
        lock (_sync)
        {
            if (!waiter.Queued) return; // already granted
            Waiter? previous = null;
            for (var w = _head; w is not null; previous = w, w = w.Next)
            {
                if (!ReferenceEquals(w, waiter)) continue;
                if (previous is null) _head = w.Next;
                else previous.Next = w.Next;
                if (ReferenceEquals(_tail, w)) _tail = previous;
                break;
            }
            waiter.Next = null;
            waiter.Queued = false;
        }
        waiter.Fail(new OperationCanceledException(token));
    }

    private void Recycle(Waiter waiter)
    {
        lock (_sync)
        {
            waiter.Next = _free;
            _free = waiter;
        }
    }

    private sealed class Waiter(AsyncLock owner) : IValueTaskSource
    {
        private static readonly Action<object?, CancellationToken> OnCanceled = static (state, token) =>
        {
            var w = (Waiter)state!;
            w._owner.Cancel(w, token);
        };

        private readonly AsyncLock _owner = owner;
        private ManualResetValueTaskSourceCore<bool> _core = new() { RunContinuationsAsynchronously = true };
        private CancellationTokenRegistration _registration;

        public Waiter? Next { get; set; }

        /// <summary>In the owner's line (guarded by the owner's lock).</summary>
        public bool Queued { get; set; }

        public short Version => _core.Version;

        public void Watch(CancellationToken token) => _registration = token.Register(OnCanceled, this);

        public void Grant() => _core.SetResult(true);

        public void Fail(Exception error) => _core.SetException(error);

        public void GetResult(short token)
        {
            try
            {
                _core.GetResult(token);
            }
            finally
            {
                _registration.Dispose();
                _registration = default;
                _core.Reset();
                _owner.Recycle(this);
            }
        }

        public ValueTaskSourceStatus GetStatus(short token) => _core.GetStatus(token);

        public void OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
            _core.OnCompleted(continuation, state, token, flags);
    }
}
