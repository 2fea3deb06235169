using System.IO.Pipelines;

namespace Alknet.Ssh.Transport;

/// <summary>
/// Flushing without letting the read loop wait on the peer.
/// </summary>
/// <remarks>
/// <para>The output pipe pauses its writer when the socket is slow (backpressure). A writer that held the write lock
/// across that wait would keep the read loop from writing its replies and key exchange messages; the read loop would
/// stop reading; and when the peer is in the same state (both directions full during a rekey) neither side ever reads
/// again. So the lock is never held across a paused flush: messages are written under the lock and flushed, and a
/// flush that has to wait is awaited after the lock is released, by one owner at a time. Messages written while a
/// flush is in flight are flushed by that owner when it resumes.</para>
/// <para>Channel data writers own their flushes (one at a time, serialised by <see cref="DataWriters"/>) and so feel
/// the backpressure, which is what bounds memory. Everyone else (the read loop, window adjusts, EOF, CLOSE) writes and
/// moves on; a paused flush they start is finished in the background. Their messages are small and few.</para>
/// <para>The pipe allows one pending flush at a time, which <see cref="_flushInFlight"/> guarantees.</para>
/// </remarks>
internal sealed partial class SshTransport : IThreadPoolWorkItem
{
    private bool _deferredFlushQueued;

    /// <summary>
    /// Under the write lock: control messages (WINDOW_ADJUST, EOF, CLOSE, channel opens and replies) are published at
    /// the end of the current thread-pool turn instead of at once, so that the messages several channels write in
    /// the same turn leave in one send.
    /// </summary>
    /// <remarks>
    /// The output's reader runs inline, so every flush is a send system call on the flushing thread, and every send
    /// on loopback also wakes the peer's read loop. Measured with 32 concurrent tunnelled connections: 5.0 → 3.0 sends
    /// per connection on the server and 7.0 → 5.7 on the client (docs/decisions/control-message-flush.md). The work
    /// item goes to this thread's local queue, so it normally runs right after the current one, on this thread; a
    /// channel data writer's own flush, if it comes first, publishes these messages too and the deferred flush then
    /// finds nothing to send.
    /// </remarks>
    private void FlushSoonLocked()
    {
        if (_deferredFlushQueued) return;
        _deferredFlushQueued = true;
        ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: true);
    }

    /// <summary>
    /// The deferred flush. It takes the write lock without an async method: when the lock is held, the continuation is
    /// a delegate cached on this transport, so control messages allocate nothing (ChannelAllocationTests).
    /// </summary>
    void IThreadPoolWorkItem.Execute()
    {
        // CA2012: the wait is consumed exactly once, here or in OnDeferredLock.
#pragma warning disable CA2012
        var wait = _writeLock.WaitAsync();
#pragma warning restore CA2012
        if (wait.IsCompletedSuccessfully)
        {
            DeferredFlushLocked();
            return;
        }
        // Only one deferred flush is ever outstanding (_deferredFlushQueued stays set until it runs), so one field
        // holds its wait.
        _deferredLockWait = wait;
        wait.GetAwaiter().UnsafeOnCompleted(_onDeferredLock ??= OnDeferredLock);
    }

    private ValueTask _deferredLockWait;
    private Action? _onDeferredLock;

    private void OnDeferredLock()
    {
        var wait = _deferredLockWait;
        _deferredLockWait = default;
        // Observing the wait returns its waiter to the lock's pool; without a token it cannot fail. This runs as the
        // wait's continuation, so it has completed.
#pragma warning disable CA2012
        wait.GetAwaiter().GetResult();
#pragma warning restore CA2012
        DeferredFlushLocked();
    }

    private void DeferredFlushLocked()
    {
        try
        {
            _deferredFlushQueued = false;
            if (!_closed) FlushNoWaitLocked();
        }
        catch (Exception e) when (e is InvalidOperationException or IOException or OperationCanceledException or ObjectDisposedException)
        {
            // The connection is going away; the read loop reports it.
        }
        finally
        {
            _writeLock.Release();
        }
    }

    private readonly AsyncLock _dataWriters = new();
    private bool _flushInFlight;
    private bool _unflushed;
    private Task _backgroundFlush = Task.CompletedTask;

    /// <summary>Under the write lock: publishes what was written, never waiting.</summary>
    private void FlushNoWaitLocked()
    {
        if (_flushInFlight)
        {
            _unflushed = true;
            return;
        }
        var flush = _output.FlushAsync();
        if (flush.IsCompleted)
        {
            flush.GetAwaiter().GetResult();
            return;
        }
        _flushInFlight = true;
        _backgroundFlush = FinishFlushAsync(flush);
    }

    /// <summary>
    /// Under the write lock: starts a flush the caller will await (after releasing the lock) through
    /// <see cref="AwaitOwnedFlushAsync"/>. Returns false when there is nothing to wait for.
    /// </summary>
    internal bool TryStartOwnedFlushLocked(out ValueTask<FlushResult> flush)
    {
        if (_flushInFlight)
        {
            _unflushed = true;
            flush = default;
            return false;
        }
        flush = _output.FlushAsync();
        if (flush.IsCompleted)
        {
            flush.GetAwaiter().GetResult();
            return false;
        }
        _flushInFlight = true;
        return true;
    }

    /// <summary>
    /// Under the write lock, after an owned flush completed: flushes whatever others wrote meanwhile. Returns true when
    /// that flush has to wait too (the caller still owns it: await it outside the lock and call this again).
    /// </summary>
    internal bool ContinueOwnedFlushLocked(out ValueTask<FlushResult> flush)
    {
        _flushInFlight = false;
        flush = default;
        if (!_unflushed || _closed) return false;
        _unflushed = false;
        return TryStartOwnedFlushLocked(out flush);
    }

    /// <summary>Awaits an owned flush outside the lock, then flushes whatever others wrote meanwhile, until done.</summary>
    private async ValueTask AwaitOwnedFlushAsync(ValueTask<FlushResult> flush)
    {
        bool owned = true;
        while (owned)
        {
            try
            {
                await flush.ConfigureAwait(false);
            }
            finally
            {
                await _writeLock.WaitAsync(CancellationToken.None).ConfigureAwait(false);
            }
            try
            {
                owned = ContinueOwnedFlushLocked(out flush);
            }
            finally
            {
                _writeLock.Release();
            }
        }
    }

    private async Task FinishFlushAsync(ValueTask<FlushResult> flush)
    {
        // Yield first: the caller holds the write lock and must release it before this continues.
        await Task.Yield();
        try
        {
            await AwaitOwnedFlushAsync(flush).ConfigureAwait(false);
        }
        catch (Exception e) when (e is InvalidOperationException or IOException or OperationCanceledException or ObjectDisposedException)
        {
            // The connection is going away; the read loop reports it.
        }
    }
}
