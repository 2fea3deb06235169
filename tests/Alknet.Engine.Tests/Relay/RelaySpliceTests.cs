using System.IO.Pipelines;
using Alknet.Engine.Relay;
using Alknet.Engine.Tests.Transport;
using Alknet.Engine.Transport;
using NUnit.Framework;

namespace Alknet.Engine.Tests.Relay;

/// <summary>
/// A relay between two sockets splices: each socket's send loop reads the other's input itself
/// (<see cref="SocketConnection.TrySpliceFrom"/>). These pin down what splicing must keep from the copying relay:
/// order after what the application wrote first, byte counts, the idle timer, and every way a relay stops.
/// </summary>
[TestFixture]
[CancelAfter(60_000)]
public class RelaySpliceTests
{
    [Test]
    public async Task RunAsync_ReplyWrittenBeforeTheRelay_ArrivesBeforeTheRelayedBytes()
    {
        await using var chain = await SocketChain.CreateAsync();
        // What a SOCKS5 front end does: its reply goes out through Output, then the relay takes over.
        var reply = Loopback.RandomBytes(10);
        await chain.Left.Output.WriteAsync(reply);
        var relay = chain.RunRelayAsync(RelayOptions.Default, CancellationToken.None);
        var response = Loopback.RandomBytes(500_000);
        await Loopback.WriteAllAsync(chain.Target.Output, response);
        await chain.Client.Output.CompleteAsync();

        var seen = await Loopback.ReadToEndAsync(chain.Client.Input);
        var result = await relay;

        Assert.That(seen, Is.EqualTo(reply.Concat(response).ToArray()));
        Assert.That(result, Is.EqualTo(new RelayResult(RelayOutcome.Completed, 0, response.Length)),
            "the reply is the front end's, not relayed");
    }

    [Test]
    public async Task RunAsync_OverSockets_BothDirectionsAreSpliced()
    {
        await using var chain = await SocketChain.CreateAsync();
        var relay = chain.RunRelayAsync(RelayOptions.Default, CancellationToken.None);
        var request = Loopback.RandomBytes(70_000);
        var response = Loopback.RandomBytes(80_000);

        var seen = await Loopback.WriteWhileReadingAsync(chain.Client.Output, request, chain.Target.Input);
        var answer = await Loopback.WriteWhileReadingAsync(chain.Target.Output, response, chain.Client.Input);
        await relay;

        Assert.That(seen, Is.EqualTo(request));
        Assert.That(answer, Is.EqualTo(response));
        Assert.That(chain.Right.SplicedBytes, Is.EqualTo(request.Length), "left → right went through the splice");
        Assert.That(chain.Left.SplicedBytes, Is.EqualTo(response.Length), "right → left went through the splice");
    }

    [Test]
    public async Task RunAsync_SplicedTrafficThenSilence_CountsTheBytesThenTimesOut()
    {
        await using var chain = await SocketChain.CreateAsync();
        var options = new RelayOptions { IdleTimeout = TimeSpan.FromMilliseconds(200) };
        var relay = chain.RunRelayAsync(options, CancellationToken.None);

        await chain.Client.Output.WriteAsync(new byte[] { 1, 2, 3, 4 });
        var forwarded = await Loopback.ReadExactlyAsync(chain.Target.Input, 4);
        var result = await relay;

        Assert.That(forwarded, Is.EqualTo(new byte[] { 1, 2, 3, 4 }));
        Assert.That(result, Is.EqualTo(new RelayResult(RelayOutcome.IdleTimeout, 4, 0)));
        Assert.That(async () => await Loopback.ReadToEndAsync(chain.Client.Input), Throws.InstanceOf<IOException>(),
            "a timed-out relay resets the client");
    }

    [Test]
    public async Task RunAsync_SplicedTrafficKeepsFlowing_IdleTimerDoesNotFire()
    {
        await using var chain = await SocketChain.CreateAsync();
        var options = new RelayOptions { IdleTimeout = TimeSpan.FromMilliseconds(300) };
        var relay = chain.RunRelayAsync(options, CancellationToken.None);

        // A byte every 50 ms for 1.2 s: four idle periods long, never idle for one.
        for (int i = 0; i < 24; i++)
        {
            await chain.Client.Output.WriteAsync(new byte[] { (byte)i });
            await Loopback.ReadExactlyAsync(chain.Target.Input, 1);
            await Task.Delay(50);
        }

        Assert.That(relay.IsCompleted, Is.False, "traffic through the splice is activity");
        await chain.Client.Output.CompleteAsync();
        await chain.Target.Output.CompleteAsync();
        var result = await relay;
        Assert.That(result, Is.EqualTo(new RelayResult(RelayOutcome.Completed, 24, 0)));
    }

    [Test]
    public async Task RunAsync_CanceledWhileTheTargetDoesNotRead_ReturnsCanceledAndResetsBoth()
    {
        await using var chain = await SocketChain.CreateAsync();
        using var cts = new CancellationTokenSource();
        var relay = chain.RunRelayAsync(RelayOptions.Default, cts.Token);

        // The target reads nothing: the right socket's send blocks once the kernel buffers are full, which no pipe
        // cancellation reaches.
        var flood = Loopback.WriteAllAsync(chain.Client.Output, Loopback.RandomBytes(64 * 1024 * 1024), complete: false);
        Assert.That(await Loopback.EventuallyAsync(() => chain.Right.SplicedBytes > 1024 * 1024), Is.True, "premise: bytes flow");
        await Task.Delay(200);

        await cts.CancelAsync();
        Assert.That(await Task.WhenAny(relay, Task.Delay(TimeSpan.FromSeconds(20))), Is.SameAs(relay),
            "the relay ended although a spliced send was blocked");
        var result = await relay;

        Assert.That(result.Outcome, Is.EqualTo(RelayOutcome.Canceled));
        Assert.That(result.BytesLeftToRight, Is.EqualTo(chain.Right.SplicedBytes));
        Assert.That(async () => await flood, Throws.InstanceOf<IOException>(), "the client is reset");
    }

    [Test]
    public async Task RunAsync_ClientResetsWhileSpliced_ReturnsAnErrorAndResetsTheTarget()
    {
        await using var chain = await SocketChain.CreateAsync();
        var relay = chain.RunRelayAsync(RelayOptions.Default, CancellationToken.None);
        await chain.Client.Output.WriteAsync(new byte[] { 7, 7, 7 });
        await Loopback.ReadExactlyAsync(chain.Target.Input, 3);

        chain.Client.Abort();
        var result = await relay;

        // The client's reset fails the left → right splice, whose reset of the target then fails the right → left
        // splice too; the two reports race to the relay (docs/decisions/relay-splice.md, "Known difference"), so
        // either side may be named. What must hold: the relay ends in an error and both sides are reset.
        Assert.That(result.Outcome, Is.AnyOf(RelayOutcome.LeftError, RelayOutcome.RightError));
        Assert.That(result.BytesLeftToRight, Is.EqualTo(3));
        Assert.That(async () => await Loopback.ReadToEndAsync(chain.Target.Input), Throws.InstanceOf<IOException>());
    }

    [Test]
    public async Task TrySpliceFrom_NotStartedOrTwice_RefusesAndChangesNothing()
    {
        var (client, server) = await Loopback.ConnectionPairAsync();
        await using (client)
        await using (server)
        {
            var source = new Pipe();
            using var socket = new System.Net.Sockets.Socket(System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp);
            await using var unstarted = new SocketConnection(socket);

            Assert.That(unstarted.TrySpliceFrom(source.Reader, out _), Is.False, "not started");
            Assert.That(server.TrySpliceFrom(source.Reader, out var first), Is.True);
            Assert.That(server.TrySpliceFrom(new Pipe().Reader, out _), Is.False, "already splicing");

            await source.Writer.WriteAsync(new byte[] { 1, 2 });
            await source.Writer.CompleteAsync();
            Assert.That(await Loopback.ReadToEndAsync(client.Input), Is.EqualTo(new byte[] { 1, 2 }), "the source's end is FIN");
            Assert.That(await first, Is.EqualTo(new SpliceResult(SpliceEnd.SourceCompleted, null)));
        }
    }

    [Test]
    public async Task TrySpliceFrom_AfterOutputEnded_Refuses()
    {
        var (client, server) = await Loopback.ConnectionPairAsync();
        await using (client)
        await using (server)
        {
            await server.Output.CompleteAsync();
            Assert.That(await Loopback.ReadToEndAsync(client.Input), Is.Empty, "premise: the send loop sent FIN and ended");

            Assert.That(server.TrySpliceFrom(new Pipe().Reader, out _), Is.False);
        }
    }

    [Test]
    public async Task DisposeAsync_WhileSplicing_StopsReadingTheSourceAndSendsFin()
    {
        var (client, server) = await Loopback.ConnectionPairAsync();
        await using (client)
        {
            var source = new Pipe();
            Assert.That(server.TrySpliceFrom(source.Reader, out var spliced), Is.True);
            await source.Writer.WriteAsync(new byte[] { 3 });
            Assert.That(await Loopback.ReadExactlyAsync(client.Input, 1), Is.EqualTo(new byte[] { 3 }));

            await server.DisposeAsync();

            Assert.That((await spliced).End, Is.EqualTo(SpliceEnd.Stopped));
            Assert.That(await Loopback.ReadToEndAsync(client.Input), Is.Empty, "FIN, not a reset");
            var flush = await source.Writer.WriteAsync(new byte[] { 4 });
            Assert.That(flush.IsCompleted, Is.True, "the source's reader is completed: its writer learns nobody reads");
        }
    }
}
