using Alknet.Ssh.Connection;
using NUnit.Framework;

namespace Alknet.Ssh.Tests.Connection;

/// <summary>
/// An application that completes a channel's Input with an exception (a relay whose target reset its connection)
/// while the peer is still sending: the data that keeps arriving is dropped, the session and its other channels go on.
/// </summary>
[TestFixture]
[CancelAfter(60_000)]
public class ChannelInputFailureTests
{
    // A session that ended would leave the other channel's transfer waiting forever: bound every wait, so the failure
    // is a message, not a hung run.
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(20);

    private static async Task Within(Task step, string what)
    {
        if (await Task.WhenAny(step, Task.Delay(Bound)) != step) Assert.Fail($"{what} did not finish within {Bound.TotalSeconds} s: the session probably ended");
        await step;
    }

    [Test]
    public async Task Input_CompletedWithErrorWhilePeerSends_SessionSurvives()
    {
        var failed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var hold = new TaskCompletionSource();
        int accepted = 0;
        var handler = new AcceptingHandler(async ch =>
        {
            if (Interlocked.Increment(ref accepted) == 1)
            {
                var first = await ch.Input.ReadAsync();
                ch.Input.AdvanceTo(first.Buffer.End);
                // What the relay does when the other side of the channel fails: complete this side with the error.
                await ch.Input.CompleteAsync(new IOException("the target reset the connection"));
                failed.SetResult();
                await hold.Task;
                return;
            }
            await AcceptingHandler.Echo(ch);
        });
        await using var pair = await ConnectionPair.StartAsync(handler);
        var doomed = await pair.Client.OpenDirectTcpIpAsync("h", 1, "127.0.0.1", 1);
        await doomed.Output.WriteAsync(new byte[] { 1 });
        await Within(failed.Task, "the server completing the first channel's Input");
        // More data for the channel whose Input is gone, well within its window.
        await Within(PipeData.WriteAllAsync(doomed.Output, PipeData.Random(1024 * 1024), 32 * 1024, complete: false), "writing to the failed channel");

        var opening = pair.Client.OpenDirectTcpIpAsync("h", 2, "127.0.0.1", 1);
        await Within(opening, "opening another channel");
        var other = await opening;
        await using (other)
        {
            var data = PipeData.Random(100_000);
            var reading = PipeData.ReadAllAsync(other.Input);
            await Within(PipeData.WriteAllAsync(other.Output, data, 10_000), "writing to the other channel");
            await Within(reading, "the other channel's echo");
            Assert.That(await reading, Is.EqualTo(data));
        }
        Assert.That(pair.Client.IsEnded || pair.Server.IsEnded, Is.False, "the session survived");
        hold.SetResult();
        doomed.Abort();
    }
}
