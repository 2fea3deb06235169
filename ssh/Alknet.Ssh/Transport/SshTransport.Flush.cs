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
internal sealed partial class SshTransport
{
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
