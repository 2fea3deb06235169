using System.Buffers;

namespace Alknet.Engine.Buffers;

/// <summary>One pinned block of a <see cref="PinnedBlockMemoryPool"/>; disposing it returns it to the pool.</summary>
internal sealed class PinnedBlock : IMemoryOwner<byte>
{
    private readonly PinnedBlockMemoryPool _pool;
    private int _returned;

    public PinnedBlock(PinnedBlockMemoryPool pool, byte[] array)
    {
        _pool = pool;
        Memory = array;
    }

    /// <summary>The whole block, backed by a pinned array (so socket gather lists can use it directly).</summary>
    public Memory<byte> Memory { get; }

    internal void OnRent() => Volatile.Write(ref _returned, 0);

    public void Dispose()
    {
        // A second Dispose from the same owner must not return the block twice: it may already be rented again.
        if (Interlocked.Exchange(ref _returned, 1) == 0)
        {
            _pool.Return(this);
        }
    }
}
