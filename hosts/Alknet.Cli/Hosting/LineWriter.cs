namespace Alknet.Cli.Hosting;

/// <summary>
/// Collects formatted log lines in memory and writes them to a stream from one background thread, many lines per
/// write. Callers (often socket-completion threads) only copy their bytes under a short lock; the system call
/// happens on the writer thread.
/// <para>
/// Double buffering: callers append to the pending buffer; the writer swaps it for the spare one, writes it outside
/// the lock, and takes the written buffer back as the next spare. One lock orders every line, so lines from one
/// thread keep their order and the output is the order of the appends.
/// </para>
/// <para>
/// Waking a sleeping thread costs a system call, so the writer does not sleep while lines keep coming: after each
/// write it lingers a few milliseconds and takes whatever arrived meanwhile. Only when a linger ends with nothing
/// to write does it park, and then the next line pulses it awake (one wake per idle period, not per line). A burst
/// cuts the linger short once <see cref="LineWriterOptions.WakeAt"/> bytes are waiting, so the queue drains long
/// before it is full (one wake per batch of hundreds of lines).
/// </para>
/// <para>
/// Overflow policy: when the writer cannot keep up (stderr blocked: a full pipe, a stopped terminal, a stuck journal)
/// the pending bytes are capped at <see cref="LineWriterOptions.Capacity"/>. A line that does not fit is dropped and
/// counted, and once the writer gets through it writes one "N log lines dropped" warning where the gap is. The
/// callers are socket threads: blocking them would stall relays for every connection they serve, for as long as
/// whatever blocks stderr, so losing log lines, visibly, is the lesser harm. A caller is never blocked except for
/// the short lock that orders the lines.
/// </para>
/// </summary>
internal sealed class LineWriter : IDisposable
{
    private readonly Stream _sink;
    private readonly LineWriterOptions _options;
    private readonly Thread _thread;
    private readonly byte[] _noticePrefix = LineFormat.CategoryPrefix("alknet.log");
    private readonly object _gate = new();

    // Everything below is guarded by _gate.
    private byte[] _pending;
    private int _length;
    private byte[] _spare;
    private long _dropped;
    private long _appended;   // lines appended so far
    private long _written;    // of those, how many the writer has written (or tried to)
    private int _flushWaiters;
    private bool _parked;     // waiting for the first line
    private bool _lingering;  // waiting out the linger after a write
    private bool _stopping;
    private bool _exited;

    public LineWriter(Stream sink, LineWriterOptions? options = null)
    {
        _sink = sink;
        _options = options ?? new LineWriterOptions();
        int initial = Math.Min(_options.Capacity, 16 * 1024);
        _pending = new byte[initial];
        _spare = new byte[initial];
        // A background thread: a factory that is never disposed must not keep the process alive. Exit paths flush
        // through Dispose (and the provider's process-exit hook) instead.
        _thread = new Thread(Run) { IsBackground = true, Name = "log writer" };
        _thread.Start();
    }

    /// <summary>Lines dropped so far for lack of room (the count is reset when its notice is written).</summary>
    internal long DroppedPending
    {
        get { lock (_gate) return _dropped; }
    }

    /// <summary>Queues one complete line (newline included). Never performs I/O while the writer runs.</summary>
    public void Append(ReadOnlySpan<byte> line)
    {
        lock (_gate)
        {
            if (_exited)
            {
                // After Dispose, late lines (a task still finishing) are written synchronously: it is shutdown, not
                // the hot path, and a line logged at exit is the one most worth keeping.
                TryWrite(line);
                return;
            }

            int need = _length + line.Length;
            if (need > _pending.Length && !TryGrow(need))
            {
                _dropped++;
                return;
            }

            line.CopyTo(_pending.AsSpan(_length));
            _length = need;
            _appended++;
            if (_parked || (_lingering && need >= _options.WakeAt))
            {
                _parked = false;
                _lingering = false;
                Monitor.PulseAll(_gate);
            }
        }
    }

    /// <summary>
    /// Waits until every line appended before the call has been written, for at most <paramref name="timeout"/>.
    /// Returns false on timeout (the sink is blocked). A no-op on the writer thread itself.
    /// </summary>
    public bool Flush(TimeSpan timeout)
    {
        if (Thread.CurrentThread == _thread) return false;
        lock (_gate)
        {
            long target = _appended;
            long deadline = Environment.TickCount64 + (long)timeout.TotalMilliseconds;
            _flushWaiters++;
            try
            {
                Monitor.PulseAll(_gate); // a parked or lingering writer goes now
                while (_written < target && !_exited)
                {
                    long remaining = deadline - Environment.TickCount64;
                    if (remaining <= 0) return false;
                    Monitor.Wait(_gate, (int)Math.Min(remaining, int.MaxValue));
                }

                return true;
            }
            finally
            {
                _flushWaiters--;
            }
        }
    }

    /// <summary>
    /// Writes what is queued (and a pending drop notice), then stops the writer. Bounded by
    /// <see cref="LineWriterOptions.DisposeTimeout"/>: a blocked stderr must not keep a stopping service alive.
    /// </summary>
    public void Dispose()
    {
        lock (_gate)
        {
            if (_stopping) return;
            _stopping = true;
            Monitor.PulseAll(_gate);
        }

        if (Thread.CurrentThread != _thread) _thread.Join(_options.DisposeTimeout);
    }

    private bool TryGrow(int need)
    {
        if (need > _options.Capacity) return false;
        int size = (int)Math.Min(_options.Capacity, Math.Max((long)need, 2L * _pending.Length));
        Array.Resize(ref _pending, size);
        return true;
    }

    private void Run()
    {
        try
        {
            while (true)
            {
                byte[] batch;
                int length;
                long dropped;
                long appended;
                lock (_gate)
                {
                    while (_length == 0 && _dropped == 0)
                    {
                        if (_stopping)
                        {
                            // Set under the same lock as the final emptiness check, so no line can slip in between.
                            _exited = true;
                            Monitor.PulseAll(_gate);
                            return;
                        }

                        _parked = true;
                        Monitor.Wait(_gate);
                        _parked = false;
                    }

                    batch = _pending;
                    length = _length;
                    dropped = _dropped;
                    appended = _appended;
                    _pending = _spare;
                    _length = 0;
                    _dropped = 0;
                }

                TryWrite(batch.AsSpan(0, length));
                if (dropped > 0) WriteDropNotice(dropped);

                lock (_gate)
                {
                    _spare = batch;
                    _written = appended;
                    Monitor.PulseAll(_gate);
                    if (!_stopping && _flushWaiters == 0 && _length < _options.WakeAt)
                    {
                        _lingering = true;
                        Monitor.Wait(_gate, _options.Linger);
                        _lingering = false;
                    }
                }
            }
        }
        finally
        {
            lock (_gate)
            {
                _exited = true;
                Monitor.PulseAll(_gate);
            }
        }
    }

    private void WriteDropNotice(long dropped)
    {
        var message = $"{dropped} log lines dropped: the log output did not keep up";
        var buffer = new byte[LineFormat.MaxLength(_noticePrefix.Length, message, null)];
        int n = LineFormat.Write(buffer, DateTime.UtcNow, Microsoft.Extensions.Logging.LogLevel.Warning, _noticePrefix, 0, message, null);
        TryWrite(buffer.AsSpan(0, n));
    }

    private void TryWrite(ReadOnlySpan<byte> bytes)
    {
        if (bytes.IsEmpty) return;
        try
        {
            _sink.Write(bytes);
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or NotSupportedException)
        {
            // stderr is gone (closed pipe, revoked terminal): there is nowhere left to report it.
        }
    }
}
