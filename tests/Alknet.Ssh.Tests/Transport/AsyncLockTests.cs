using Alknet.Ssh.Transport;
using NUnit.Framework;

namespace Alknet.Ssh.Tests.Transport;

[TestFixture]
[CancelAfter(30_000)]
public class AsyncLockTests
{
    [Test]
    public async Task WaitAsync_Free_CompletesAtOnce()
    {
        var gate = new AsyncLock();
        var wait = gate.WaitAsync();
        Assert.That(wait.IsCompletedSuccessfully, Is.True);
        await wait;
        Assert.That(gate.IsHeld, Is.True);
        gate.Release();
        Assert.That(gate.IsHeld, Is.False);
    }

    [Test]
    public async Task Release_SeveralWaiting_GrantsInArrivalOrder()
    {
        var gate = new AsyncLock();
        await gate.WaitAsync();
        var order = new List<int>();
        var waiters = new Task[5];
        for (int i = 0; i < waiters.Length; i++)
        {
            int n = i;
            var wait = gate.WaitAsync();
            Assert.That(wait.IsCompleted, Is.False);
            waiters[i] = Take(wait, () => order.Add(n), gate);
        }
        gate.Release();
        await Task.WhenAll(waiters);
        Assert.That(order, Is.EqualTo(Enumerable.Range(0, waiters.Length)));
        Assert.That(gate.IsHeld, Is.False);
    }

    [Test]
    public async Task WaitAsync_CanceledWhileWaiting_ThrowsAndLeavesTheLine()
    {
        var gate = new AsyncLock();
        await gate.WaitAsync();
        using var cts = new CancellationTokenSource();
        var canceled = gate.WaitAsync(cts.Token);
        var next = gate.WaitAsync();
        await cts.CancelAsync();
        Assert.ThrowsAsync<OperationCanceledException>(async () => await canceled);
        gate.Release();
        await next; // the canceled waiter did not take the lock
        Assert.That(gate.IsHeld, Is.True);
        gate.Release();
        Assert.That(gate.IsHeld, Is.False);
    }

    [Test]
    public void WaitAsync_AlreadyCanceled_ThrowsWithoutTakingTheLock()
    {
        var gate = new AsyncLock();
        Assert.ThrowsAsync<TaskCanceledException>(async () => await gate.WaitAsync(new CancellationToken(canceled: true)));
        Assert.That(gate.IsHeld, Is.False);
    }

    [Test]
    public void Release_NotHeld_Throws()
    {
        Assert.Throws<SemaphoreFullException>(() => new AsyncLock().Release());
    }

    [Test]
    public async Task ManyContenders_MutualExclusionHolds()
    {
        var gate = new AsyncLock();
        int inside = 0, max = 0, total = 0;
        async Task Work()
        {
            for (int i = 0; i < 2000; i++)
            {
                await gate.WaitAsync();
                int now = Interlocked.Increment(ref inside);
                max = Math.Max(max, now);
                total++;
                if ((i & 7) == 0) await Task.Yield();
                Interlocked.Decrement(ref inside);
                gate.Release();
            }
        }
        await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(Work)));
        Assert.That(max, Is.EqualTo(1));
        Assert.That(total, Is.EqualTo(16000));
    }

    private static async Task Take(ValueTask wait, Action inside, AsyncLock gate)
    {
        await wait;
        inside();
        gate.Release();
    }
}
