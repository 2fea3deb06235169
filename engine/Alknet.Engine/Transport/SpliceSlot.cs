using System.IO.Pipelines;

namespace Alknet.Engine.Transport;

/// <summary>
/// The hand-off between <see cref="ISpliceTarget.TrySpliceFrom"/> and the target's sender, kept in a field of the
/// target (a mutable struct: always used through that field, never copied).
/// </summary>
/// <remarks>
/// One compare-and-swap decides every race between a splice being asked for and the sender reaching the end of
/// Output: either the sender finds the request there and switches to its source, or it marks the slot closed first
/// and the request is refused, so a request is never left waiting on a sender that has gone.
/// </remarks>
public struct SpliceSlot
{
    // Marks a sender that reached its end before any request; no request succeeds after it.
    private static readonly Request Closed = new(null!);

    private Request? _request;
    private long _bytes;

    /// <summary>Bytes sent from the source so far.</summary>
    public readonly long Bytes => Volatile.Read(in _bytes);

    /// <summary>
    /// The target's side of <see cref="ISpliceTarget.TrySpliceFrom"/>: when the target can splice
    /// (<paramref name="ready"/>), records the request and completes the target's <paramref name="output"/>, so its
    /// sender finds the request at the end of what is already written there; otherwise refuses, changing nothing.
    /// </summary>
    public bool TryStart(bool ready, PipeReader source, PipeWriter output, out Task<SpliceResult> done)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(output);
        var request = ready ? new Request(source) : null;
        if (request is null || Interlocked.CompareExchange(ref _request, request, null) is not null)
        {
            done = Task.FromResult(new SpliceResult(SpliceEnd.SendFailed, null));
            return false;
        }

        done = request.Task;
        output.Complete();
        return true;
    }

    /// <summary>The sender, at the end of Output: the source to go on with, or null (and the slot is closed).</summary>
    public PipeReader? TakeSourceAtEnd()
    {
        var request = Interlocked.CompareExchange(ref _request, Closed, null);
        return request is null || request == Closed ? null : request.Source;
    }

    /// <summary>The sender, per send from the source (one writer).</summary>
    public void Add(long sent) => Volatile.Write(ref _bytes, _bytes + sent);

    /// <summary>Wakes a sender waiting on the source; before it has switched, its first read returns canceled.</summary>
    public readonly void CancelRead()
    {
        var request = Volatile.Read(in _request);
        if (request is not null && request != Closed && !request.Task.IsCompleted)
        {
            request.Source.CancelPendingRead();
        }
    }

    /// <summary>The sender ended while splicing: completes the source and reports how it ended.</summary>
    public readonly async ValueTask EndAsync(SpliceEnd end, Exception? error)
    {
        var request = Volatile.Read(in _request)!;
        try
        {
            await request.Source.CompleteAsync(error).ConfigureAwait(false);
        }
        catch (Exception)
        {
            // Its owner completed it already; it is done either way.
        }

        request.TrySetResult(new SpliceResult(end, error));
    }

    /// <summary>
    /// The sender ended before it switched: closes the slot, and a request that came in the meantime fails (the
    /// target broke first).
    /// </summary>
    public void Abandon(Exception? error)
    {
        var request = Interlocked.CompareExchange(ref _request, Closed, null);
        if (request is not null && request != Closed)
        {
            request.TrySetResult(new SpliceResult(SpliceEnd.SendFailed, error ?? SocketErrors.Aborted()));
        }
    }

    private sealed class Request(PipeReader source) : TaskCompletionSource<SpliceResult>(TaskCreationOptions.RunContinuationsAsynchronously)
    {
        public PipeReader Source { get; } = source;
    }
}
