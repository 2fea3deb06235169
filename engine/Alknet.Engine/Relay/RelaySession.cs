using System.Buffers;
using System.IO.Pipelines;
using Alknet.Engine.Transport;

namespace Alknet.Engine.Relay;

/// <summary>The state of one running relay: both directions, the idle timer and the first failure.</summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "The idle timer is disposed at the end of RunAsync, the only method that creates it.")]
internal sealed class RelaySession
{
    private const int Running = -1;

    private readonly IDuplexPipe _left;
    private readonly IDuplexPipe _right;
    private readonly RelayOptions _options;
    private readonly long _idleTimeoutMs;
    private Timer? _idleTimer;
    private long _lastActivity;
    private long _leftToRight;
    private long _rightToLeft;
    private int _outcome = Running;
    private Exception? _error;

    // Set when a direction is spliced (ISpliceTarget.TrySpliceFrom): the target counts that direction's bytes.
    private ISpliceTarget? _splicedRight;
    private ISpliceTarget? _splicedLeft;
    private long _splicedSeen;

    public RelaySession(IDuplexPipe left, IDuplexPipe right, RelayOptions options)
    {
        _left = left;
        _right = right;
        _options = options;
        _idleTimeoutMs = options.IdleTimeout == Timeout.InfiniteTimeSpan ? -1 : Math.Max(1, (long)options.IdleTimeout.TotalMilliseconds);
    }

    private bool Stopped => Volatile.Read(ref _outcome) != Running;

    public async ValueTask<RelayResult> RunAsync(CancellationToken cancellationToken)
    {
        CancellationTokenRegistration registration = default;
        if (cancellationToken.CanBeCanceled)
        {
            registration = cancellationToken.UnsafeRegister(static s => ((RelaySession)s!).Stop(RelayOutcome.Canceled, null), this);
        }

        if (_idleTimeoutMs > 0)
        {
            Volatile.Write(ref _lastActivity, Environment.TickCount64);
            // Armed only after the field is set, so the callback can always re-arm it.
            _idleTimer = new Timer(static s => ((RelaySession)s!).OnIdleTimer(), this, Timeout.Infinite, Timeout.Infinite);
            _idleTimer.Change(_idleTimeoutMs, Timeout.Infinite);
        }

        try
        {
            // Both directions run concurrently; neither ever throws (failures go through Stop).
            var leftToRight = MoveAsync(_left.Input, _right, leftToRight: true);
            var rightToLeft = MoveAsync(_right.Input, _left, leftToRight: false);
            await leftToRight;
            await rightToLeft;
        }
        finally
        {
            await registration.DisposeAsync();
            if (_idleTimer is not null)
            {
                await _idleTimer.DisposeAsync();
            }
        }

        // Claim "Completed" unless a failure got there first (a late timer or cancellation loses to completion).
        Interlocked.CompareExchange(ref _outcome, (int)RelayOutcome.Completed, Running);
        var outcome = (RelayOutcome)Volatile.Read(ref _outcome);
        if (outcome != RelayOutcome.Completed)
        {
            await TearDownAsync(outcome);
        }

        return new RelayResult(outcome, LeftToRight, RightToLeft) { Error = _error };
    }

    private long LeftToRight => _splicedRight?.SplicedBytes ?? Interlocked.Read(ref _leftToRight);

    private long RightToLeft => _splicedLeft?.SplicedBytes ?? Interlocked.Read(ref _rightToLeft);

    /// <summary>
    /// One direction: spliced when the destination can send straight from the source (no copy), copied otherwise.
    /// </summary>
    private ValueTask MoveAsync(PipeReader source, IDuplexPipe destination, bool leftToRight)
    {
        if (destination is ISpliceTarget target && target.TrySpliceFrom(source, out var spliced))
        {
            if (leftToRight)
            {
                _splicedRight = target;
            }
            else
            {
                _splicedLeft = target;
            }

            return AwaitSpliceAsync(spliced, leftToRight);
        }

        return CopyAsync(source, destination.Output, leftToRight);
    }

    private async ValueTask AwaitSpliceAsync(Task<SpliceResult> spliced, bool leftToRight)
    {
        var result = await spliced.ConfigureAwait(false);
        switch (result.End)
        {
            case SpliceEnd.SourceCompleted:
                return; // the half-close is passed on; the other direction keeps running
            case SpliceEnd.SourceFailed:
                Stop(leftToRight ? RelayOutcome.LeftError : RelayOutcome.RightError, result.Error);
                return;
            default:
                // A send failure, or a stop: if the relay did not stop it, the destination broke (aborted, disposed).
                Stop(leftToRight ? RelayOutcome.RightError : RelayOutcome.LeftError, result.Error ?? new IOException("The relay destination stopped accepting data."));
                return;
        }
    }

    private async ValueTask CopyAsync(PipeReader source, PipeWriter destination, bool leftToRight)
    {
        var sourceError = leftToRight ? RelayOutcome.LeftError : RelayOutcome.RightError;
        var destinationError = leftToRight ? RelayOutcome.RightError : RelayOutcome.LeftError;
        while (true)
        {
            ReadResult result;
            try
            {
                result = await source.ReadAsync();
            }
            catch (Exception ex)
            {
                Stop(sourceError, ex);
                return;
            }

            var buffer = result.Buffer;
            if (Stopped)
            {
                source.AdvanceTo(buffer.Start);
                return;
            }

            if (!buffer.IsEmpty)
            {
                if (_idleTimeoutMs > 0)
                {
                    Volatile.Write(ref _lastActivity, Environment.TickCount64);
                }

                FlushResult flush;
                try
                {
                    foreach (var segment in buffer)
                    {
                        destination.Write(segment.Span);
                    }

                    Interlocked.Add(ref leftToRight ? ref _leftToRight : ref _rightToLeft, buffer.Length);
                    source.AdvanceTo(buffer.End);
                    flush = await destination.FlushAsync();
                }
                catch (Exception ex)
                {
                    Stop(destinationError, ex);
                    return;
                }

                if (flush.IsCompleted)
                {
                    // The destination's consumer is gone without an error: the data has nowhere to go.
                    Stop(destinationError, new IOException("The relay destination stopped accepting data."));
                    return;
                }

                if (Stopped)
                {
                    return;
                }
            }
            else
            {
                source.AdvanceTo(buffer.End);
            }

            if (result.IsCompleted)
            {
                // End of stream: pass the half-close on and leave the other direction running.
                try
                {
                    await source.CompleteAsync();
                    await destination.CompleteAsync();
                }
                catch (Exception ex)
                {
                    Stop(destinationError, ex);
                }

                return;
            }
        }
    }

    private void OnIdleTimer()
    {
        if (Stopped)
        {
            return;
        }

        // Spliced directions move bytes without this session seeing them: progress since the last tick is activity.
        long spliced = (_splicedRight?.SplicedBytes ?? 0) + (_splicedLeft?.SplicedBytes ?? 0);
        if (spliced != _splicedSeen)
        {
            _splicedSeen = spliced;
            Volatile.Write(ref _lastActivity, Environment.TickCount64);
        }

        var idle = Environment.TickCount64 - Volatile.Read(ref _lastActivity);
        if (idle >= _idleTimeoutMs)
        {
            Stop(RelayOutcome.IdleTimeout, null);
            return;
        }

        try
        {
            // Re-arm for the moment the idle period would end, instead of ticking per chunk.
            _idleTimer?.Change(_idleTimeoutMs - idle, Timeout.Infinite);
        }
        catch (ObjectDisposedException)
        {
            // The relay finished while the timer was firing.
        }
    }

    private void Stop(RelayOutcome outcome, Exception? error)
    {
        if (Interlocked.CompareExchange(ref _outcome, (int)outcome, Running) != Running)
        {
            return;
        }

        _error = error;

        // Wake whichever loop is parked in a read or a flush; each sees Stopped and returns.
        _left.Input.CancelPendingRead();
        _right.Input.CancelPendingRead();
        _left.Output.CancelPendingFlush();
        _right.Output.CancelPendingFlush();

        // A spliced target may be parked in a send its peer never drains (a full socket, a closed SSH window), which
        // no pipe cancellation reaches. The teardown would tear it down anyway (its Output completed with the
        // error), so do it now.
        Volatile.Read(ref _splicedRight)?.Abort();
        Volatile.Read(ref _splicedLeft)?.Abort();
    }

    private async ValueTask TearDownAsync(RelayOutcome outcome)
    {
        var error = _error ?? outcome switch
        {
            RelayOutcome.IdleTimeout => new TimeoutException("The relay was idle for too long."),
            _ => new OperationCanceledException("The relay was canceled."),
        };
        _error ??= error;

        // Completing Output with an error tells a connection to reset rather than send a clean FIN.
        await CompleteQuietlyAsync(_left.Input, error);
        await CompleteQuietlyAsync(_left.Output, error);
        await CompleteQuietlyAsync(_right.Input, error);
        await CompleteQuietlyAsync(_right.Output, error);

        if (_options.AbortOnFailure)
        {
            (_left as IConnection)?.Abort();
            (_right as IConnection)?.Abort();
        }
    }

    private static async ValueTask CompleteQuietlyAsync(PipeReader reader, Exception error)
    {
        try
        {
            await reader.CompleteAsync(error);
        }
        catch (Exception)
        {
            // Teardown is best effort; the relay's result already says what went wrong.
        }
    }

    private static async ValueTask CompleteQuietlyAsync(PipeWriter writer, Exception error)
    {
        try
        {
            await writer.CompleteAsync(error);
        }
        catch (Exception)
        {
            // Teardown is best effort; the relay's result already says what went wrong.
        }
    }
}
