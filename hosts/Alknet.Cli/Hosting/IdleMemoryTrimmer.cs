using Alknet.Engine.Buffers;
using Microsoft.Extensions.Logging;

namespace Alknet.Cli.Hosting;

/// <summary>
/// Gives the memory a burst of traffic left behind back to the OS while a long-running command idles.
/// </summary>
/// <remarks>
/// <para>The buffer pools keep every block they ever allocated, so after a bulk transfer a process stays at the
/// peak of the data it had in flight (the SSH windows and pipe thresholds bound it, but several busy channels add up:
/// 1,800 pooled 32 KiB blocks, 57 MB, in `alknet serve` after four parallel iperf3 streams). Every
/// <see cref="Interval"/> this drops the cached blocks that no connection needed during the whole interval
/// (<see cref="PinnedBlockMemoryPool.TrimIdle"/>). Dropping alone frees nothing visible: the blocks live on the GC's
/// pinned heap, and an ordinary collection keeps the emptied regions for reuse. So when at least
/// <see cref="CollectThreshold"/> was dropped, one aggressive full collection follows, which decommits them.</para>
/// <para>A steady load keeps its blocks (they are rented within every interval), so this never runs a collection
/// while traffic flows at a stable level; it costs one collection of a small heap after each burst, a few
/// milliseconds. Measurements: docs/decisions/idle-memory-trim.md.</para>
/// </remarks>
internal sealed class IdleMemoryTrimmer : IDisposable
{
    /// <summary>How often idle blocks are looked for: a block unused for one to two intervals is dropped.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(15);

    /// <summary>Dropped bytes worth an aggressive collection; less is left to the GC's own pace.</summary>
    public const long CollectThreshold = 4L * 1024 * 1024;

    /// <summary>
    /// Blocks each pool keeps cached whatever the interval showed: none. The pinned heap is never compacted, so a
    /// few kept blocks scattered over its regions keep every one of those regions committed: keeping 16 + 11 blocks
    /// left 25 MB committed in `alknet serve`, keeping none 0.5–1.4 MB (docs/decisions/idle-memory-trim.md). A
    /// connection after an idle spell allocates its first blocks again, which costs page faults, not correctness.
    /// </summary>
    public const int KeepBlocks = 0;

    private readonly PinnedBlockMemoryPool[] _pools;
    private readonly ILogger? _logger;
    private readonly Timer _timer;

    internal IdleMemoryTrimmer(PinnedBlockMemoryPool[] pools, ILogger? logger)
    {
        _pools = pools;
        _logger = logger;
        _timer = new Timer(static s => ((IdleMemoryTrimmer)s!).Tick(), this, Interval, Interval);
    }

    /// <summary>Starts trimming the pools every connection of this process uses: relayed sockets, channels and sessions.</summary>
    public static IdleMemoryTrimmer Start(ILogger? logger) =>
        new([.. new[] { PinnedBlockMemoryPool.Shared, MeasurementKnobs.SessionSocket.Pool }.Distinct()], logger);

    /// <summary>One trimming pass (the timer's callback; tests call it directly). Returns the bytes dropped.</summary>
    internal long Tick()
    {
        long dropped = 0;
        foreach (var pool in _pools)
        {
            dropped += pool.TrimIdle(KeepBlocks);
        }

        if (dropped >= CollectThreshold)
        {
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
            if (_logger?.IsEnabled(LogLevel.Debug) == true) IdleMemoryTrimmerLog.Returned(_logger, dropped / (1024 * 1024));
        }

        return dropped;
    }

    public void Dispose() => _timer.Dispose();
}

internal static partial class IdleMemoryTrimmerLog
{
    [LoggerMessage(Level = LogLevel.Debug, Message = "returned {Megabytes} MiB of idle buffers")]
    public static partial void Returned(ILogger logger, long megabytes);
}
