using Alknet.Cli.Hosting;
using Alknet.Engine.Buffers;

namespace Alknet.Cli.Tests.Hosting;

/// <summary>One trimming pass drops, from every pool it watches, the blocks that were idle for a whole interval.</summary>
[TestFixture]
public sealed class IdleMemoryTrimmerTests
{
    private static void Burst(PinnedBlockMemoryPool pool, int blocks)
    {
        var owners = Enumerable.Range(0, blocks).Select(_ => pool.Rent()).ToList();
        owners.ForEach(o => o.Dispose());
    }

    [Test]
    public void Tick_AfterAnIdleInterval_DropsEveryPoolsIdleBlocks()
    {
        using var small = new PinnedBlockMemoryPool(32 * 1024);
        using var large = new PinnedBlockMemoryPool(128 * 1024);
        using var trimmer = new IdleMemoryTrimmer([small, large], logger: null);
        Burst(small, 100);
        Burst(large, 10);

        Assert.That(trimmer.Tick(), Is.Zero, "blocks used during the interval stay");
        long dropped = trimmer.Tick();

        Assert.That(dropped, Is.EqualTo(100L * 32 * 1024 + 10L * 128 * 1024));
        Assert.That(small.AllocatedCount + large.AllocatedCount, Is.Zero);
    }

    [Test]
    public void Tick_BlocksInUse_AreKept()
    {
        using var pool = new PinnedBlockMemoryPool(32 * 1024);
        using var trimmer = new IdleMemoryTrimmer([pool], logger: null);
        var held = Enumerable.Range(0, 5).Select(_ => pool.Rent()).ToList();
        trimmer.Tick();
        trimmer.Tick();

        Assert.That(pool.RentedCount, Is.EqualTo(5));
        held.ForEach(o => o.Dispose());
        Assert.That(pool.CachedCount, Is.EqualTo(5));
    }
}
