using System.Buffers;
using System.Collections.Concurrent;

namespace Alknet.Engine.Buffers;

/// <summary>
/// A <see cref="MemoryPool{T}"/> of fixed-size blocks allocated on the pinned object heap.
/// </summary>
/// <remarks>
/// Every buffer a socket reads into or sends from comes from here. Pinned blocks let the OS keep a pointer into
/// the buffer across an asynchronous operation without GC handles, and fixed sizes make reuse trivial: a block
/// returned by one connection is the next block another connection rents, so steady-state I/O allocates nothing.
/// The block size is the pipe segment size and therefore the largest single receive; it was chosen by measuring
/// bulk relay throughput (see docs/decisions/buffer-size.md).
/// Requests larger than <see cref="BlockSize"/> are refused; <see cref="System.IO.Pipelines.Pipe"/> consults
/// <see cref="MaxBufferSize"/> and serves such requests from the array pool instead.
/// Blocks stay cached once allocated, so the pool grows to the most data that was ever in flight at once (bounded by
/// the pipes' thresholds and the SSH windows). <see cref="TrimIdle"/> lets a host give back what a burst left behind:
/// it drops the cached blocks that no rent needed since its previous call (the cache's low-water mark), which the GC
/// can then return to the OS. <see cref="RentedCount"/> and <see cref="AllocatedCount"/> exist so tests can prove
/// that idle connections hold nothing and that disposal returns everything.
/// </remarks>
public sealed class PinnedBlockMemoryPool : MemoryPool<byte>
{
    /// <summary>The block size used by <see cref="Shared"/>; see docs/decisions/buffer-size.md.</summary>
    public const int DefaultBlockSize = 32 * 1024;

    private readonly ConcurrentQueue<PinnedBlock> _blocks = new();
    private readonly bool _isShared;
    private long _rented;
    private long _allocated;
    private int _cached;

    // The fewest blocks the cache held since the last TrimIdle: that many sat unused for the whole interval.
    private int _lowWater;
    private volatile bool _disposed;

    /// <summary>The process-wide pool every connection uses unless given another one. Never disposed.</summary>
    public static new PinnedBlockMemoryPool Shared { get; } = new(DefaultBlockSize, isShared: true);

    /// <summary>Creates a pool of <see cref="DefaultBlockSize"/> blocks.</summary>
    public PinnedBlockMemoryPool()
        : this(DefaultBlockSize, isShared: false)
    {
    }

    /// <summary>Creates a pool of <paramref name="blockSize"/>-byte blocks.</summary>
    public PinnedBlockMemoryPool(int blockSize)
        : this(blockSize, isShared: false)
    {
    }

    private PinnedBlockMemoryPool(int blockSize, bool isShared)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(blockSize, 256);
        BlockSize = blockSize;
        _isShared = isShared;
    }

    /// <summary>The size of every block, in bytes.</summary>
    public int BlockSize { get; }

    /// <inheritdoc />
    public override int MaxBufferSize => BlockSize;

    /// <summary>Blocks currently rented and not yet returned.</summary>
    public long RentedCount => Volatile.Read(ref _rented);

    /// <summary>Blocks this pool holds: rented ones plus cached ones (trimmed blocks are no longer counted).</summary>
    public long AllocatedCount => Volatile.Read(ref _allocated);

    /// <summary>Blocks cached for reuse.</summary>
    public int CachedCount => Volatile.Read(ref _cached);

    /// <inheritdoc />
    public override IMemoryOwner<byte> Rent(int minBufferSize = -1)
    {
        if (minBufferSize > BlockSize)
        {
            ThrowTooLarge(minBufferSize);
        }

        ObjectDisposedException.ThrowIf(_disposed, this);
        Interlocked.Increment(ref _rented);
        if (_blocks.TryDequeue(out var block))
        {
            LowerLowWater(Interlocked.Decrement(ref _cached));
            block.OnRent();
            return block;
        }

        LowerLowWater(0);
        Interlocked.Increment(ref _allocated);
        return new PinnedBlock(this, GC.AllocateUninitializedArray<byte>(BlockSize, pinned: true));
    }

    internal void Return(PinnedBlock block)
    {
        Interlocked.Decrement(ref _rented);
        if (!_disposed)
        {
            _blocks.Enqueue(block);
            Interlocked.Increment(ref _cached);
        }
    }

    /// <summary>
    /// Drops the cached blocks that sat unused since the previous call, keeping at least <paramref name="keepBlocks"/>
    /// cached, and starts a new interval. Returns the bytes dropped; they are garbage once dropped, and go back to the
    /// OS at the GC's next full collection that decommits (see the CLI's idle memory trimmer).
    /// </summary>
    /// <remarks>
    /// Blocks in use, and blocks some connection needed during the interval, are never dropped, so a steady load keeps
    /// its cache and allocates nothing. Only the cache shrinks; a block rented out and returned later goes back to
    /// the cache as usual.
    /// </remarks>
    public long TrimIdle(int keepBlocks = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(keepBlocks);
        int idle = Interlocked.Exchange(ref _lowWater, int.MaxValue);
        int dropped = 0;
        while (dropped < idle - keepBlocks && _blocks.TryDequeue(out _))
        {
            Interlocked.Decrement(ref _cached);
            Interlocked.Decrement(ref _allocated);
            dropped++;
        }

        // The next interval starts with what is cached now; rents in it lower the mark.
        LowerLowWater(Volatile.Read(ref _cached));
        return (long)dropped * BlockSize;
    }

    private void LowerLowWater(int cached)
    {
        int current = Volatile.Read(ref _lowWater);
        while (cached < current)
        {
            int seen = Interlocked.CompareExchange(ref _lowWater, cached, current);
            if (seen == current)
            {
                return;
            }

            current = seen;
        }
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (_isShared)
        {
            return;
        }

        _disposed = true;
        while (_blocks.TryDequeue(out _))
        {
        }
    }

    private void ThrowTooLarge(int size) =>
        throw new ArgumentOutOfRangeException(nameof(size), size, $"This pool hands out blocks of at most {BlockSize} bytes.");
}
