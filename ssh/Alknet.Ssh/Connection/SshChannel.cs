using System.Buffers;
using System.IO.Pipelines;
using System.Net;
using Alknet.Engine.Buffers;
using Alknet.Engine.Transport;
using Alknet.Ssh.Messages;

namespace Alknet.Ssh.Connection;

/// <summary>
/// One RFC 4254 channel as an <see cref="IConnection"/>, so the engine's relay and SOCKS5 front end use it exactly
/// like a socket. <see cref="IDuplexPipe.Input"/> delivers the peer's CHANNEL_DATA and completes on its CHANNEL_EOF;
/// completing <see cref="IDuplexPipe.Output"/> sends what is buffered and then CHANNEL_EOF (half-close);
/// <see cref="DisposeAsync"/> sends CHANNEL_CLOSE; <see cref="Abort"/> sends CHANNEL_CLOSE at once.
/// </summary>
/// <remarks>
/// <para>Receive side: the session's read loop copies each CHANNEL_DATA into the receive pipe, which never pauses
/// (the window we advertised bounds it), so the read loop never waits for a slow application. The window is given
/// back only for bytes the application consumed (<see cref="ChannelInput"/>), following OpenSSH's rule: once more
/// than three maximum packets (or half the window) have been consumed.</para>
/// <para>Send side: a pump per channel takes what the application wrote, cuts it into packets no larger than the
/// peer's maximum packet size and window, and writes them in one batch per read. When the peer's window is 0 the pump
/// waits for WINDOW_ADJUST, the send pipe fills, and the application's flush waits: backpressure, with no unbounded
/// buffer (Go CVE-2025-22869). A relay may hand the pump another pipe's reader to go on with once Output ends
/// (<see cref="ISpliceTarget"/>, SshChannel.Splice.cs).</para>
/// <para>Ordering: EOF, CLOSE, WINDOW_ADJUST and data for this channel are sent under one per-channel gate, so
/// nothing is ever sent after CLOSE (OpenSSH disconnects on messages for a channel it freed).</para>
/// </remarks>
public sealed partial class SshChannel : IConnection
{
    /// <summary>At most this many bytes per batch, so one busy channel cannot hold the session's writer for long.</summary>
    private const int MaxBatch = 256 * 1024;

    private readonly SshConnection _connection;
    private readonly Pipe _receive;
    private readonly Pipe _send;
    private readonly ChannelInput _input;
    private readonly WindowSignal _signal = new();
    private readonly WindowSignal _adjustSignal = new();
    private readonly Transport.AsyncLock _gate = new(); // allocation-free when the pump and the adjust loop meet
    private readonly Lock _receiveLock = new();
    private readonly TaskCompletionSource _opened = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly uint _localWindowMax;
    private readonly long _adjustThreshold;

    private long _remoteWindow;
    private long _localWindow;
    private long _consumed;
    private uint _remoteMaxPacket;
    private Task _pump = Task.CompletedTask;

    private volatile bool _closeSent;
    private volatile bool _closing;
    private bool _closeReceived;
    private bool _eofReceived;
    private volatile bool _inputCompleted;
    private int _disposed;
    private int _pumpFinished;
    private int _adjustLoopStarted;
    private int _freed;

    internal SshChannel(SshConnection connection, string channelType, uint localId, uint localWindow, uint localMaxPacket)
    {
        _connection = connection;
        ChannelType = channelType;
        LocalId = localId;
        _localWindowMax = localWindow;
        _localWindow = localWindow;
        LocalMaxPacket = localMaxPacket;
        _adjustThreshold = Math.Max(1, Math.Min(3L * localMaxPacket, localWindow / 2));
        var pool = PinnedBlockMemoryPool.Shared;
        // The receive pipe never pauses its writer (the read loop): the advertised window is its bound.
        _receive = new Pipe(new PipeOptions(pool, readerScheduler: new DispatchScheduler(), writerScheduler: PipeScheduler.Inline,
            pauseWriterThreshold: 0, resumeWriterThreshold: 0, minimumSegmentSize: pool.MaxBufferSize, useSynchronizationContext: false));
        _send = new Pipe(new PipeOptions(pool, readerScheduler: new DispatchScheduler(), writerScheduler: new DispatchScheduler(),
            pauseWriterThreshold: 1024 * 1024, resumeWriterThreshold: 512 * 1024, minimumSegmentSize: pool.MaxBufferSize, useSynchronizationContext: false));
        _input = new ChannelInput(_receive.Reader, this);
    }

    /// <summary>"direct-tcpip" or "forwarded-tcpip".</summary>
    public string ChannelType { get; }

    /// <summary>Our channel number.</summary>
    public uint LocalId { get; }

    /// <summary>The peer's channel number (valid once open).</summary>
    public uint RemoteId { get; private set; }

    internal uint LocalMaxPacket { get; }

    public PipeReader Input => _input;

    public PipeWriter Output => _send.Writer;

    /// <summary>Channels have no socket addresses of their own.</summary>
    public EndPoint? LocalEndPoint => null;

    public EndPoint? RemoteEndPoint => null;

    /// <summary>Bytes the peer may still send us before it must wait for WINDOW_ADJUST.</summary>
    public long LocalWindow => Interlocked.Read(ref _localWindow);

    /// <summary>Bytes we may still send before waiting for the peer's WINDOW_ADJUST.</summary>
    public long RemoteWindow => Interlocked.Read(ref _remoteWindow);

    internal Task Opened => _opened.Task;

    internal bool IsFreed => Volatile.Read(ref _freed) != 0;

    /// <summary>Installs the peer's side of the channel (its id, window and maximum packet) and starts sending.</summary>
    internal void Open(uint remoteId, uint remoteWindow, uint remoteMaxPacket)
    {
        RemoteId = remoteId;
        _remoteWindow = remoteWindow;
        // A peer announcing a tiny maximum packet still gets at least one byte per packet; more than our packet
        // writer carries is capped.
        _remoteMaxPacket = Math.Clamp(remoteMaxPacket, 1u, (uint)(Transport.PacketWriter.MaxPayload - ChannelData.Overhead));
        // Started inline: nobody has the channel yet, so its send pipe is empty and the pump runs only up to its first
        // read, which waits. A thread-pool start would cost a hand-off per channel for nothing.
        _pump = PumpAsync();
        _opened.TrySetResult();
    }

    internal void FailOpen(Exception error) => _opened.TrySetException(error);

    // ---- Called by the session's read loop -------------------------------------------------------------------

    internal void OnData(ReadOnlySpan<byte> data)
    {
        if (data.Length > Interlocked.Read(ref _localWindow))
            SshProtocolException.Throw(SshDisconnectReason.ProtocolError, "channel data beyond the advertised window");
        Interlocked.Add(ref _localWindow, -data.Length);
        // The lock is uncontended except against the session ending from another thread: the receive pipe's
        // writer must not be completed while a write is under way.
        lock (_receiveLock)
        {
            if (!(_eofReceived || _closeReceived || _inputCompleted || _closing))
            {
                try
                {
                    var writer = _receive.Writer;
                    writer.Write(data);
                    // Never pauses (no threshold), so this completes synchronously; the reader runs on its own scheduler.
                    var flush = writer.FlushAsync();
                    if (!(flush.IsCompletedSuccessfully && flush.Result.IsCompleted)) return;
                }
                catch (Exception e) when (e is not SshProtocolException)
                {
                    // The reader was completed with an error some other way than CompleteInput: whatever the
                    // application's failure, it is this channel's, never the session's.
                }
                _inputCompleted = true; // the application stopped reading; these bytes were dropped
            }
        }
        // Nobody will read these bytes: count them as consumed so the peer is not starved of window.
        OnConsumed(data.Length);
    }

    internal void OnExtendedData(int length)
    {
        if (length > Interlocked.Read(ref _localWindow))
            SshProtocolException.Throw(SshDisconnectReason.ProtocolError, "channel extended data beyond the advertised window");
        Interlocked.Add(ref _localWindow, -length);
        OnConsumed(length);
    }

    internal void OnWindowAdjust(uint bytesToAdd)
    {
        // RFC 4254 §5.2: a window may not grow past 2^32 - 1 (russh CVE-2025-54804 shows what overflow leads to).
        if (Interlocked.Add(ref _remoteWindow, bytesToAdd) > uint.MaxValue)
            SshProtocolException.Throw(SshDisconnectReason.ProtocolError, "window adjust beyond 2^32 - 1");
        _signal.Set();
    }

    internal void OnEof()
    {
        lock (_receiveLock)
        {
            _eofReceived = true;
            _receive.Writer.Complete();
        }
    }

    /// <summary>
    /// The peer's CHANNEL_CLOSE: stop both directions, answer with our CLOSE unless it was already sent. The answer
    /// is not awaited: the read loop must never wait for a channel's gate, whose holder may itself be waiting for a
    /// key exchange that only the read loop can finish.
    /// </summary>
    internal void OnClose()
    {
        lock (_receiveLock)
        {
            _closeReceived = true;
            _closing = true;
            // If the peer closes without EOF, what it sent still reaches the application; then Input ends.
            _receive.Writer.Complete();
        }
        WakePump();
        _ = SendCloseAsync().AsTask();
        MaybeFree();
    }

    internal bool IsCloseSent => _closeSent;

    /// <summary>The session ended: in-flight use fails with <paramref name="error"/>; the channel is gone.</summary>
    internal void OnSessionEnded(Exception error)
    {
        lock (_receiveLock)
        {
            _closing = true;
            _closeSent = true;
            _receive.Writer.Complete(error);
        }
        _opened.TrySetException(error);
        WakePump();
        Interlocked.Exchange(ref _freed, 1);
    }

    // ---- Called by the application side ----------------------------------------------------------------------

    internal void OnConsumed(long bytes)
    {
        if (Interlocked.Add(ref _consumed, bytes) < _adjustThreshold) return;
        // The loop that gives window back starts the first time there is window to give: most channels behind a SOCKS5
        // front end are short and never need it, and so never pay for its start and its exit on the thread pool.
        if (Volatile.Read(ref _adjustLoopStarted) == 0 && Interlocked.Exchange(ref _adjustLoopStarted, 1) == 0)
            _ = Task.Run(AdjustLoopAsync);
        _adjustSignal.Set();
    }

    /// <summary>
    /// The application completes Input (a relay does, with the error of its other side). Under the receive lock, so
    /// that the read loop never writes to a receive pipe whose reader completed behind its back: a reader completed
    /// with an exception makes the pipe's writer rethrow that exception, and on the read loop it ended the session,
    /// every channel with it (seen when a target reset its connection while data was still arriving).
    /// </summary>
    internal void CompleteInput(PipeReader receiveReader, Exception? exception)
    {
        lock (_receiveLock)
        {
            _inputCompleted = true;
            receiveReader.Complete(exception);
        }
    }

    /// <summary>
    /// Gives window back as the application consumes. A loop of its own for the channel's lifetime (one state
    /// machine, allocated once) rather than a send per adjust, so steady-state data allocates nothing.
    /// </summary>
    private async Task AdjustLoopAsync()
    {
        while (true)
        {
            await _adjustSignal.WaitAsync().ConfigureAwait(false);
            if (_closing || _closeSent) return;
            long bytes = Interlocked.Exchange(ref _consumed, 0);
            if (bytes <= 0) continue;
            await _gate.WaitAsync().ConfigureAwait(false);
            Task? kexWait = null;
            try
            {
                if (_closeSent) return;
                // Grow our window before the peer can hear of it, so its next data never looks like an overrun.
                Interlocked.Add(ref _localWindow, bytes);
                // Written under the session's lock from this loop itself, not through an async helper: see
                // SshTransport.WriteLock for why (no state machine per adjust).
                var transport = _connection.Session.Transport;
                await transport.WriteLock.WaitAsync().ConfigureAwait(false);
                try
                {
                    transport.WriteSmallLocked(new ChannelWindowAdjust(RemoteId, (uint)bytes), out kexWait);
                }
                finally
                {
                    transport.WriteLock.Release();
                }
                if (kexWait is not null) await kexWait.ConfigureAwait(false);
            }
            catch (Exception e) when (IsSessionGone(e))
            {
                return;
            }
            finally
            {
                _gate.Release();
            }
        }
    }

    /// <summary>Sends CHANNEL_CLOSE now; pending output is dropped.</summary>
    public void Abort()
    {
        // Only flags here: the receive pipe's writer belongs to the read loop, which drops what still arrives.
        _closing = true;
        _inputCompleted = true;
        _receive.Reader.CancelPendingRead();
        WakePump();
        _ = SendCloseAsync().AsTask();
    }

    /// <summary>Completes both pipe ends; buffered output is still sent, followed by EOF and CLOSE.</summary>
    public ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return default;
        _input.Complete();
        _send.Writer.Complete();
        _splice.CancelRead();
        _signal.Set();
        // If the pump already finished (EOF sent, or never started), nobody else will send CLOSE.
        if (Volatile.Read(ref _pumpFinished) != 0 || !_opened.Task.IsCompletedSuccessfully) return SendCloseAsync();
        return default;
    }

    // ---- Send pump ------------------------------------------------------------------------------------------

    private void WakePump()
    {
        _send.Reader.CancelPendingRead();
        _splice.CancelRead();
        _signal.Set();
        _adjustSignal.Set();
    }

    private async Task PumpAsync()
    {
        PipeReader reader = _send.Reader;
        bool splicing = false;
        var end = SpliceEnd.SendFailed;
        Exception? error = null;
        try
        {
            while (!_closing)
            {
                var result = await reader.ReadAsync().ConfigureAwait(false);
                var buffer = result.Buffer;
                if (result.IsCanceled && splicing && !_closing)
                {
                    // The relay stopped, or DisposeAsync: stop reading the source and close the channel.
                    reader.AdvanceTo(buffer.Start);
                    end = SpliceEnd.Stopped;
                    _closing = true;
                    break;
                }
                while (!buffer.IsEmpty && !_closing)
                {
                    long window = Interlocked.Read(ref _remoteWindow);
                    if (window <= 0)
                    {
                        await _signal.WaitAsync().ConfigureAwait(false);
                        continue;
                    }
                    var batch = buffer.Slice(0, Math.Min(buffer.Length, Math.Min(window, MaxBatch)));
                    Interlocked.Add(ref _remoteWindow, -batch.Length);
                    // Inline rather than an async helper: this loop's one state machine is all a batch costs
                    // (see SshTransport.WriteLock).
                    bool sent = false;
                    Task? kexWait = null;
                    await _gate.WaitAsync().ConfigureAwait(false);
                    try
                    {
                        if (!_closeSent)
                        {
                            // Data writers take turns; the write lock is held only to write, never across a flush
                            // that waits for the socket (SshTransport.Flush.cs), so the read loop can always write.
                            var transport = _connection.Session.Transport;
                            await transport.DataWriters.WaitAsync().ConfigureAwait(false);
                            try
                            {
                                bool owned;
                                ValueTask<System.IO.Pipelines.FlushResult> flush;
                                await transport.WriteLock.WaitAsync().ConfigureAwait(false);
                                try
                                {
                                    owned = transport.WriteChannelDataLocked(RemoteId, batch, (int)_remoteMaxPacket, out flush, out kexWait);
                                }
                                finally
                                {
                                    transport.WriteLock.Release();
                                }
                                while (owned)
                                {
                                    try
                                    {
                                        await flush.ConfigureAwait(false);
                                    }
                                    finally
                                    {
                                        await transport.WriteLock.WaitAsync().ConfigureAwait(false);
                                    }
                                    try
                                    {
                                        owned = transport.ContinueOwnedFlushLocked(out flush);
                                    }
                                    finally
                                    {
                                        transport.WriteLock.Release();
                                    }
                                }
                                if (kexWait is not null) await kexWait.ConfigureAwait(false);
                            }
                            finally
                            {
                                transport.DataWriters.Release();
                            }
                            sent = true;
                        }
                    }
                    catch (Exception e) when (IsSessionGone(e))
                    {
                        _closing = true;
                    }
                    finally
                    {
                        _gate.Release();
                    }
                    if (!sent) break;
                    if (splicing) _splice.Add(batch.Length);
                    buffer = buffer.Slice(batch.End);
                }
                reader.AdvanceTo(buffer.Start);
                if (_closing) break;
                if (result.IsCompleted && buffer.IsEmpty)
                {
                    if (!splicing && _splice.TakeSourceAtEnd() is { } source)
                    {
                        // Everything written to Output is sent; the splice source's bytes follow.
                        await reader.CompleteAsync().ConfigureAwait(false);
                        reader = source;
                        splicing = true;
                        continue;
                    }
                    end = SpliceEnd.SourceCompleted;
                    await SendEofAsync().ConfigureAwait(false);
                    break;
                }
            }
        }
        catch (Exception e)
        {
            // The application completed Output with an error (a failed relay), or the splice source failed (its
            // peer reset): tear the channel down.
            error = e;
            end = SpliceEnd.SourceFailed;
            _closing = true;
        }
        if (splicing)
        {
            await _splice.EndAsync(end, error).ConfigureAwait(false);
        }
        else
        {
            await reader.CompleteAsync(error).ConfigureAwait(false);
            _splice.Abandon(error);
        }
        Interlocked.Exchange(ref _pumpFinished, 1);
        if (_closing || Volatile.Read(ref _disposed) != 0) await SendCloseAsync().ConfigureAwait(false);
    }

    private async ValueTask SendEofAsync()
    {
        await _gate.WaitAsync().ConfigureAwait(false);
        try
        {
            if (!_closeSent) await _connection.Session.WriteSmallAsync(new ChannelEof(RemoteId)).ConfigureAwait(false);
        }
        catch (Exception e) when (IsSessionGone(e))
        {
            _closing = true;
        }
        finally
        {
            _gate.Release();
        }
    }

    private async ValueTask SendCloseAsync()
    {
        await _gate.WaitAsync().ConfigureAwait(false);
        try
        {
            if (_closeSent || !_opened.Task.IsCompletedSuccessfully) return;
            _closeSent = true;
            await _connection.Session.WriteSmallAsync(new ChannelClose(RemoteId)).ConfigureAwait(false);
        }
        catch (Exception e) when (IsSessionGone(e))
        {
            // The session ended first; nothing to close.
        }
        finally
        {
            _gate.Release();
        }
        MaybeFree();
    }

    /// <summary>RFC 4254 §5.3: the channel number is reusable only once CLOSE was both sent and received.</summary>
    private void MaybeFree()
    {
        if (_closeSent && _closeReceived && Interlocked.Exchange(ref _freed, 1) == 0) _connection.Free(this);
    }

    private static bool IsSessionGone(Exception e) =>
        e is Transport.SshDisconnectedException or ObjectDisposedException or InvalidOperationException or IOException or OperationCanceledException;
}
