namespace Alknet.Cli.Hosting;

/// <summary>Tuning for <see cref="LineWriter"/>; the defaults are the CLI's.</summary>
internal sealed record LineWriterOptions
{
    /// <summary>
    /// Most bytes queued before lines are dropped. 1 MiB is several thousand lines, seconds of a busy proxy's
    /// connection log; with the spare buffer the writer holds at most twice this.
    /// </summary>
    public int Capacity { get; init; } = 1024 * 1024;

    /// <summary>
    /// How long the writer waits for more lines after a write before it parks. It bounds how late a line can appear
    /// under load (a few milliseconds is invisible to a human or fail2ban) and sets the write rate at full load.
    /// </summary>
    public TimeSpan Linger { get; init; } = TimeSpan.FromMilliseconds(5);

    /// <summary>
    /// Queued bytes that end a linger early: big enough that a burst is written in few large writes, small enough
    /// that the writer starts long before <see cref="Capacity"/> is reached.
    /// </summary>
    public int WakeAt { get; init; } = 64 * 1024;

    /// <summary>How long Dispose waits for the queued lines to be written (MS's console logger waits 1.5 s).</summary>
    public TimeSpan DisposeTimeout { get; init; } = TimeSpan.FromSeconds(2);
}
