namespace Alknet.Engine.Transport;

/// <summary>Tuning for <see cref="SocketConnection"/>. The defaults were chosen by measurement (docs/decisions/buffer-size.md).</summary>
public sealed record SocketConnectionOptions
{
    /// <summary>The defaults used when no options are given.</summary>
    public static SocketConnectionOptions Default { get; } = new();

    /// <summary>
    /// Unread received bytes at which the socket stops being read (the input pipe's pause threshold).
    /// Reading resumes below half of it. Zero means "16 pool blocks".
    /// </summary>
    public int MaxReadBufferSize { get; init; }

    /// <summary>
    /// Unsent bytes at which <see cref="System.IO.Pipelines.PipeWriter.FlushAsync"/> on the connection's output
    /// waits (the output pipe's pause threshold). Writing resumes below half of it. Zero means "16 pool blocks".
    /// </summary>
    public int MaxWriteBufferSize { get; init; }

    /// <summary>
    /// Wait for data with a zero-byte receive before renting a buffer, so an idle connection holds no memory.
    /// On by default; the switch exists to measure its cost. The wait is skipped straight after a receive that
    /// filled its buffer (more is almost always queued then), so a connection that goes idle exactly after such a
    /// receive holds one block until its next data or its close.
    /// </summary>
    public bool WaitForDataBeforeAllocatingBuffer { get; init; } = true;
}
