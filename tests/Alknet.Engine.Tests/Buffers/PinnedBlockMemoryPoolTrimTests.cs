using System.Buffers;
using Alknet.Engine.Buffers;
using NUnit.Framework;

namespace Alknet.Engine.Tests.Buffers;

/// <summary>
/// <see cref="PinnedBlockMemoryPool.TrimIdle"/> drops only the cached blocks that no rent needed since the previous
/// call: what a burst left behind goes, what a steady load keeps reusing stays.
/// </summary>
[TestFixture]
public sealed class PinnedBlockMemoryPoolTrimTests
{
    private const int Block = 4096;

    private static void RentAndReturn(PinnedBlockMemoryPool pool, int count)
    {
        var owners = new List<IMemoryOwner<byte>>();
        for (int i = 0; i < count; i++) owners.Add(pool.Rent());
        foreach (var owner in owners) owner.Dispose();
    }

    [Test]
    public void TrimIdle_BlocksUsedInTheInterval_AreKept()
    {
        using var pool = new PinnedBlockMemoryPool(Block);
        RentAndReturn(pool, 10);

        Assert.That(pool.TrimIdle(), Is.Zero, "the burst's blocks were needed in this interval");
        Assert.That(pool.CachedCount, Is.EqualTo(10));
        Assert.That(pool.AllocatedCount, Is.EqualTo(10));
    }

    [Test]
    public void TrimIdle_BlocksIdleForAWholeInterval_AreDropped()
    {
        using var pool = new PinnedBlockMemoryPool(Block);
        RentAndReturn(pool, 10);
        pool.TrimIdle();

        long dropped = pool.TrimIdle();

        Assert.That(dropped, Is.EqualTo(10L * Block));
        Assert.That(pool.CachedCount, Is.Zero);
        Assert.That(pool.AllocatedCount, Is.Zero);
        Assert.That(pool.RentedCount, Is.Zero);
    }

    [Test]
    public void TrimIdle_SteadyUseOfSomeBlocks_DropsOnlyTheOthers()
    {
        using var pool = new PinnedBlockMemoryPool(Block);
        RentAndReturn(pool, 10);
        pool.TrimIdle();

        // Three blocks at a time in use during the interval: seven sat idle throughout.
        RentAndReturn(pool, 3);
        RentAndReturn(pool, 3);

        Assert.That(pool.TrimIdle(), Is.EqualTo(7L * Block));
        Assert.That(pool.CachedCount, Is.EqualTo(3));
        Assert.That(pool.TrimIdle(), Is.EqualTo(3L * Block), "unused in the following interval, the rest goes too");
    }

    [Test]
    public void TrimIdle_KeepBlocks_LeavesThatManyCached()
    {
        using var pool = new PinnedBlockMemoryPool(Block);
        RentAndReturn(pool, 10);
        pool.TrimIdle();

        Assert.That(pool.TrimIdle(keepBlocks: 4), Is.EqualTo(6L * Block));
        Assert.That(pool.CachedCount, Is.EqualTo(4));
    }

    [Test]
    public void TrimIdle_RentedBlocks_AreNeverTouchedAndReturnToTheCache()
    {
        using var pool = new PinnedBlockMemoryPool(Block);
        var held = pool.Rent();
        held.Memory.Span[0] = 42;
        RentAndReturn(pool, 5);
        pool.TrimIdle();
        pool.TrimIdle();

        Assert.That(pool.RentedCount, Is.EqualTo(1));
        Assert.That(pool.AllocatedCount, Is.EqualTo(1), "only the rented block is left");
        Assert.That(held.Memory.Span[0], Is.EqualTo(42));
        held.Dispose();
        Assert.That(pool.CachedCount, Is.EqualTo(1));
        Assert.That(pool.Rent().Memory.Length, Is.EqualTo(Block));
    }

    [Test]
    public void TrimIdle_AllocationDuringTheInterval_MeansNothingWasIdle()
    {
        using var pool = new PinnedBlockMemoryPool(Block);
        RentAndReturn(pool, 4);
        pool.TrimIdle();

        // Needing more than the cache held empties it first: no block was idle all along.
        RentAndReturn(pool, 6);

        Assert.That(pool.TrimIdle(), Is.Zero);
        Assert.That(pool.CachedCount, Is.EqualTo(6));
    }
}
