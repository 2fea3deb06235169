using System.Buffers;
using System.IO.Pipelines;
using Alknet.Engine.Relay;
using Alknet.Engine.Transport;
using Alknet.Ssh.Connection;
using NUnit.Framework;

namespace Alknet.Ssh.Tests.Connection;

/// <summary>
/// A channel as a splice target (<see cref="ISpliceTarget"/>): its send pump cuts CHANNEL_DATA straight from another
/// pipe. Order after Output, EOF at the source's end, CLOSE when the source fails, the window's backpressure, and a
/// relay that stops while the window is shut.
/// </summary>
[TestFixture]
[CancelAfter(60_000)]
public class ChannelSpliceTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(20);

    private static async Task<T> Within<T>(Task<T> step, string what)
    {
        if (await Task.WhenAny(step, Task.Delay(Bound)) != step) Assert.Fail($"{what} did not finish within {Bound.TotalSeconds} s");
        return await step;
    }

    /// <summary>The server end of each channel, as the test's peer.</summary>
    private sealed class Peer
    {
        private readonly TaskCompletionSource<SshChannel> _channel = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public AcceptingHandler Handler => new(async ch =>
        {
            _channel.TrySetResult(ch);
            await _release.Task;
        });

        public Task<SshChannel> Channel => _channel.Task;

        public void Release() => _release.TrySetResult();
    }

    [Test]
    public async Task Splice_AfterOutput_PeerGetsOutputThenSourceThenEof()
    {
        var peer = new Peer();
        await using var pair = await ConnectionPair.StartAsync(peer.Handler);
        var channel = await pair.Client.OpenDirectTcpIpAsync("h", 1, "127.0.0.1", 1);
        var server = await peer.Channel;
        var head = PipeData.Random(100);
        await channel.Output.WriteAsync(head);
        var source = new Pipe();

        Assert.That(channel.TrySpliceFrom(source.Reader, out var spliced), Is.True);
        var body = PipeData.Random((int)pair.Server.WindowSize + 5 * 1024 * 1024); // beyond the window: WINDOW_ADJUST keeps it going
        var reading = PipeData.ReadAllAsync(server.Input);
        await PipeData.WriteAllAsync(source.Writer, body, 64 * 1024);

        Assert.That(await Within(reading, "reading to EOF"), Is.EqualTo(head.Concat(body).ToArray()));
        Assert.That(await Within(spliced, "the splice"), Is.EqualTo(new SpliceResult(SpliceEnd.SourceCompleted, null)));
        Assert.That(channel.SplicedBytes, Is.EqualTo(body.Length));
        Assert.That(channel.TrySpliceFrom(new Pipe().Reader, out _), Is.False, "once only");
        peer.Release();
        await channel.DisposeAsync();
    }

    [Test]
    public async Task Splice_SourceFails_ChannelClosedAndTheSessionGoesOn()
    {
        var peer = new Peer();
        await using var pair = await ConnectionPair.StartAsync(peer.Handler);
        var channel = await pair.Client.OpenDirectTcpIpAsync("h", 1, "127.0.0.1", 1);
        var server = await peer.Channel;
        var source = new Pipe();
        Assert.That(channel.TrySpliceFrom(source.Reader, out var spliced), Is.True);
        await source.Writer.WriteAsync(new byte[] { 1, 2, 3 });
        var first = await server.Input.ReadAtLeastAsync(3);
        Assert.That(first.Buffer.ToArray(), Is.EqualTo(new byte[] { 1, 2, 3 }));
        server.Input.AdvanceTo(first.Buffer.End);

        // A pipe whose writer fails throws at once, even over unread bytes; SocketInput is what delivers them first.
        var failure = new IOException("the socket was reset");
        await source.Writer.CompleteAsync(failure);

        var result = await Within(spliced, "the splice");
        Assert.That(result.End, Is.EqualTo(SpliceEnd.SourceFailed));
        Assert.That(result.Error, Is.SameAs(failure));
        // CLOSE: the peer's Input ends, with nothing more.
        Assert.That(await Within(PipeData.ReadAllAsync(server.Input), "the peer's input ending"), Is.Empty);
        Assert.That(pair.Client.IsEnded || pair.Server.IsEnded, Is.False, "one channel's failure ends only that channel");
        peer.Release();
    }

    [Test]
    public async Task Splice_PeerWindowShut_SourceIsPushedBackAndARelayStopStillEnds()
    {
        var peer = new Peer();
        await using var pair = await ConnectionPair.StartAsync(peer.Handler);
        var channel = await pair.Client.OpenDirectTcpIpAsync("h", 1, "127.0.0.1", 1);
        await peer.Channel; // the peer never reads: its window is not given back
        // The relay's other side: an in-memory pipe pair (the test writes to `toRelay`, the relay reads it).
        var toRelay = new Pipe();
        var fromRelay = new Pipe();
        var left = new Alknet.Ssh.Tests.Session.DuplexPipe(toRelay.Reader, fromRelay.Writer);
        using var stop = new CancellationTokenSource();
        var relay = Relay.RunAsync(left, channel, RelayOptions.Default, stop.Token).AsTask();

        long window = pair.Server.WindowSize;
        var flood = PipeData.WriteAllAsync(toRelay.Writer, new byte[window + 4 * 1024 * 1024], 64 * 1024, complete: false);
        var deadline = DateTime.UtcNow + Bound;
        while (channel.SplicedBytes < window && DateTime.UtcNow < deadline) await Task.Delay(20);
        await Task.Delay(200);

        Assert.That(channel.SplicedBytes, Is.EqualTo(window), "exactly the window was sent through the splice");
        Assert.That(channel.RemoteWindow, Is.Zero);
        Assert.That(relay.IsCompleted, Is.False, () => "premise: the relay runs: " + relay.Result);
        Assert.That(flood.IsCompleted, Is.False, () => "the source's writer is held back by backpressure: " + flood.Status + " " + flood.Exception);

        await stop.CancelAsync();
        var result = await Within(relay, "the relay, stopped while the channel waits for window");
        Assert.That(result.Outcome, Is.EqualTo(RelayOutcome.Canceled));
        Assert.That(result.BytesLeftToRight, Is.EqualTo(window));
        peer.Release();
    }
}
