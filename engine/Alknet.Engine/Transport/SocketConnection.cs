using System.Buffers;
using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using Alknet.Engine.Buffers;

namespace Alknet.Engine.Transport;

/// <summary>
/// A connected TCP socket exposed as a pair of pipes, with one receive loop and one send loop.
/// </summary>
/// <remarks>
/// <para>Receive loop: a zero-byte receive waits for data without holding memory (a wake-up that finds the
/// socket not readable waits again), except straight after a receive that filled its buffer, when more data is
/// almost always queued; then the loop rents pool memory, receives into it and flushes it to
/// <see cref="Input"/>. The peer's FIN completes <see cref="Input"/>;
/// a socket error completes it with an <see cref="IOException"/> once the bytes received before it are read. When the application has more than
/// <see cref="SocketConnectionOptions.MaxReadBufferSize"/> unread bytes, the loop stops reading (TCP flow
/// control pushes back on the peer).</para>
/// <para>Send loop: reads what the application flushed to <see cref="Output"/> and sends it, gathering
/// multi-segment buffers into one call. When the application completes <see cref="Output"/> normally, the loop
/// sends what is left and then shuts down the send direction (FIN) while receiving continues: an exact
/// half-close. Completing <see cref="Output"/> with an exception aborts the connection (RST) instead. A send
/// error completes <see cref="Output"/>'s reader with the error, so the application's next flush throws it. A relay
/// may hand the send loop another pipe's reader to go on with once <see cref="Output"/> ends
/// (<see cref="ISpliceTarget"/>).</para>
/// <para>Both loops report errors only through pipe completion; neither ever faults its task.</para>
/// <para>Scheduling: the connection's own loops continue inline (the receive loop resumes inside the
/// application's AdvanceTo, the send loop inside the application's FlushAsync: no hop, no allocation). The
/// application's continuations are always dispatched to the thread pool through an allocation-free
/// <see cref="DispatchScheduler"/>, never run on a socket completion thread, so application code that blocks
/// cannot stall the socket engine.</para>
/// </remarks>
public sealed partial class SocketConnection : IConnection
{
    private readonly Socket _socket;
    private readonly Pipe _input;
    private readonly Pipe _output;
    private readonly SocketInput _inputReader;
    private readonly SocketReceiver _receiver = new();
    private readonly SocketSender _sender = new();
    private readonly int _minReceiveSize;
    private readonly bool _waitForData;
    private Task? _receiveTask;
    private Task? _sendTask;
    private int _started;
    private int _aborted;
    private int _disposed;

    /// <summary>Wraps a connected socket. Call <see cref="Start"/> to begin moving bytes.</summary>
    /// <param name="socket">A connected stream socket; the connection owns it from now on.</param>
    /// <param name="pool">Buffer pool; <see cref="PinnedBlockMemoryPool.Shared"/> when null.</param>
    public SocketConnection(Socket socket, MemoryPool<byte>? pool = null)
        : this(socket, pool, null)
    {
    }

    /// <summary>Wraps a connected socket with explicit tuning.</summary>
    public SocketConnection(Socket socket, MemoryPool<byte>? pool, SocketConnectionOptions? options)
    {
        ArgumentNullException.ThrowIfNull(socket);
        _socket = socket;
        pool ??= PinnedBlockMemoryPool.Shared;
        options ??= SocketConnectionOptions.Default;

        // Segment size = pool block size, so every receive can fill a whole block.
        var segmentSize = pool.MaxBufferSize is > 0 and <= 1024 * 1024 ? pool.MaxBufferSize : PinnedBlockMemoryPool.DefaultBlockSize;
        var maxRead = options.MaxReadBufferSize > 0 ? options.MaxReadBufferSize : 16 * segmentSize;
        var maxWrite = options.MaxWriteBufferSize > 0 ? options.MaxWriteBufferSize : 16 * segmentSize;

        // Receive into at least half a block: topping off a nearly full segment would mean many tiny receives.
        _minReceiveSize = segmentSize / 2;
        _waitForData = options.WaitForDataBeforeAllocatingBuffer;

        _input = new Pipe(new PipeOptions(
            pool,
            readerScheduler: new DispatchScheduler(),
            writerScheduler: PipeScheduler.Inline,
            pauseWriterThreshold: maxRead,
            resumeWriterThreshold: maxRead / 2,
            minimumSegmentSize: segmentSize,
            useSynchronizationContext: false));
        _inputReader = new SocketInput(_input.Reader);
        _output = new Pipe(new PipeOptions(
            pool,
            readerScheduler: PipeScheduler.Inline,
            writerScheduler: new DispatchScheduler(),
            pauseWriterThreshold: maxWrite,
            resumeWriterThreshold: maxWrite / 2,
            minimumSegmentSize: segmentSize,
            useSynchronizationContext: false));

        if (socket.ProtocolType == ProtocolType.Tcp)
        {
            // Relayed and interactive traffic must not wait for Nagle's timer; large writes fill segments anyway.
            socket.NoDelay = true;
        }

        LocalEndPoint = SafeEndPoint(socket, local: true);
        RemoteEndPoint = SafeEndPoint(socket, local: false);
    }

    /// <summary>
    /// Bytes the peer sent. Completes at the peer's FIN; on a socket error (a reset) it first delivers every byte
    /// received before the error, then throws an <see cref="IOException"/>.
    /// </summary>
    public PipeReader Input => _inputReader;

    /// <summary>Bytes to send. Complete it to half-close (FIN); complete it with an exception to abort (RST).</summary>
    public PipeWriter Output => _output.Writer;

    /// <inheritdoc />
    public EndPoint? LocalEndPoint { get; }

    /// <inheritdoc />
    public EndPoint? RemoteEndPoint { get; }

    /// <summary>The underlying socket, for options the connection does not manage.</summary>
    public Socket Socket => _socket;

    /// <summary>Starts the receive and send loops. Call once.</summary>
    public void Start()
    {
        if (Interlocked.Exchange(ref _started, 1) != 0)
        {
            throw new InvalidOperationException("The connection is already started.");
        }

        _receiveTask = ReceiveLoopAsync();
        _sendTask = SendLoopAsync();
    }

    /// <summary>Resets the connection now (RST): pending data in both directions is dropped.</summary>
    public void Abort()
    {
        if (Interlocked.Exchange(ref _aborted, 1) != 0)
        {
            return;
        }

        try
        {
            // Linger 0 makes close() send RST instead of FIN.
            _socket.LingerState = new LingerOption(true, 0);
        }
        catch (Exception)
        {
            // Already closed; nothing left to reset.
        }

        _socket.Dispose();

        // Wake the send loop if it is waiting for data; the receive loop wakes from the closed socket.
        _output.Reader.CancelPendingRead();
        _splice.CancelRead();
    }

    /// <summary>
    /// Completes both pipes, lets the send loop flush what the application already wrote (then FIN), closes the
    /// socket, waits for both loops and returns all memory to the pool. Call <see cref="Abort"/> first to drop
    /// unsent data instead of waiting for the peer to accept it.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _input.Reader.CompleteAsync();
        await _output.Writer.CompleteAsync();
        _splice.CancelRead();

        if (_sendTask is not null)
        {
            await _sendTask;
        }
        else
        {
            await _output.Reader.CompleteAsync();
        }

        _socket.Dispose();

        if (_receiveTask is not null)
        {
            await _receiveTask;
        }
        else
        {
            await _input.Writer.CompleteAsync();
        }

        _receiver.Dispose();
        _sender.Dispose();
    }

    private async Task ReceiveLoopAsync()
    {
        var writer = _input.Writer;
        bool lastFilled = false;
        Exception? error = null;
        try
        {
            while (true)
            {
                // A receive that filled its whole buffer says more is queued: receiving again at once saves the
                // zero-byte wait's system call on every chunk of a bulk transfer. Only a short receive, after which
                // the connection may go idle, waits without holding a block.
                if (_waitForData && !lastFilled)
                {
                    SocketOperationResult wait;
                    do
                    {
                        wait = await _receiver.WaitForDataAsync(_socket);
                    }
                    while (!wait.HasError && !_receiver.WaitCompletedSynchronously && !IsReadable());

                    if (wait.HasError)
                    {
                        error = ReceiveError(wait.Error);
                        break;
                    }
                }

                var memory = writer.GetMemory(_minReceiveSize);
                var received = await _receiver.ReceiveAsync(_socket, memory);
                if (received.HasError)
                {
                    error = ReceiveError(received.Error);
                    break;
                }

                if (received.BytesTransferred == 0)
                {
                    break; // FIN: the peer will send nothing more.
                }

                lastFilled = received.BytesTransferred == memory.Length;
                writer.Advance(received.BytesTransferred);
                var flush = await writer.FlushAsync();
                if (flush.IsCompleted || flush.IsCanceled)
                {
                    break; // The application stopped reading.
                }
            }
        }
        catch (ObjectDisposedException)
        {
            error = Volatile.Read(ref _disposed) != 0 ? null : SocketErrors.Aborted();
        }
        catch (Exception ex)
        {
            error = ex;
        }

        if (error is not null)
        {
            // Not writer.CompleteAsync(error): the pipe would throw it on the next read and drop the bytes the
            // reader has not taken yet, such as a proxy's refusal that arrived just before its reset.
            _inputReader.SetError(error);
        }

        await writer.CompleteAsync();
    }

    /// <summary>
    /// Whether a receive would complete now (data, FIN or a pending error). Asked only after a zero-byte wait
    /// completed asynchronously, which on Unix can be a stale readiness notification with nothing to read
    /// (see <see cref="SocketReceiver.WaitForDataAsync"/>): renting a block then would park it in a receive
    /// on an idle connection.
    /// </summary>
    private bool IsReadable() => _socket.Poll(0, SelectMode.SelectRead);

    private IOException? ReceiveError(SocketError error) =>
        SocketErrors.IsLocalAbort(error) && Volatile.Read(ref _disposed) != 0 && Volatile.Read(ref _aborted) == 0
            ? null // our own DisposeAsync closed the socket; the application is already gone
            : SocketErrors.ToException(error);

    private async Task SendLoopAsync()
    {
        PipeReader reader = _output.Reader;
        bool splicing = false;
        Exception? error = null;
        var shutdownSend = false;
        var end = SpliceEnd.SendFailed;
        try
        {
            while (true)
            {
                ReadResult result;
                try
                {
                    result = await reader.ReadAsync();
                }
                catch (Exception ex)
                {
                    // The application completed Output with an error, or the splice source failed (its peer
                    // reset): reset rather than pretend a clean end. A splice reports first and resets after, so
                    // that the relay hears the source's failure before the failures the reset causes.
                    error = ex;
                    end = SpliceEnd.SourceFailed;
                    if (!splicing)
                    {
                        Abort();
                    }

                    break;
                }

                if (result.IsCanceled && Volatile.Read(ref _aborted) != 0)
                {
                    error = SocketErrors.Aborted();
                    break;
                }

                if (result.IsCanceled && splicing)
                {
                    // The relay stopped, or DisposeAsync: stop reading the source; a disposal still ends with FIN.
                    reader.AdvanceTo(result.Buffer.Start);
                    end = SpliceEnd.Stopped;
                    shutdownSend = Volatile.Read(ref _disposed) != 0;
                    break;
                }

                var buffer = result.Buffer;
                var sendError = SocketError.Success;
                while (!buffer.IsEmpty)
                {
                    var sent = await _sender.SendAsync(_socket, buffer, out var sentEnd);
                    if (sent.HasError)
                    {
                        sendError = sent.Error;
                        break;
                    }

                    long before = buffer.Length;
                    buffer = buffer.Slice(sentEnd);
                    if (splicing)
                    {
                        // One writer (this loop); the relay reads it for its byte counts and idle timer.
                        _splice.Add(before - buffer.Length);
                    }
                }

                reader.AdvanceTo(result.Buffer.End);
                if (sendError != SocketError.Success)
                {
                    error = SocketErrors.ToException(sendError);
                    break;
                }

                if (result.IsCompleted)
                {
                    if (!splicing && _splice.TakeSourceAtEnd() is { } source)
                    {
                        // Everything written to Output (a SOCKS5 reply, say) is sent; the source's bytes follow.
                        await reader.CompleteAsync();
                        reader = source;
                        splicing = true;
                        continue;
                    }

                    end = SpliceEnd.SourceCompleted;
                    shutdownSend = true;
                    break;
                }
            }
        }
        catch (ObjectDisposedException)
        {
            error = SocketErrors.Aborted();
        }
        catch (Exception ex)
        {
            error = ex;
        }

        if (shutdownSend && Volatile.Read(ref _aborted) == 0)
        {
            try
            {
                _socket.Shutdown(SocketShutdown.Send);
            }
            catch (Exception)
            {
                // The socket is already closed or reset; there is no FIN left to send.
            }
        }

        if (splicing)
        {
            await _splice.EndAsync(end, error);
            if (end == SpliceEnd.SourceFailed)
            {
                Abort();
            }
        }
        else
        {
            await reader.CompleteAsync(error);
            _splice.Abandon(error);
        }
    }

    private static EndPoint? SafeEndPoint(Socket socket, bool local)
    {
        try
        {
            return local ? socket.LocalEndPoint : socket.RemoteEndPoint;
        }
        catch (SocketException)
        {
            return null;
        }
        catch (ObjectDisposedException)
        {
            return null;
        }
    }
}
