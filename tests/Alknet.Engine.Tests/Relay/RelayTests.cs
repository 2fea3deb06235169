using NUnit.Framework;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using Alknet.Engine.Relay;
using Alknet.Engine.Tests.Transport;
using Alknet.Engine.Transport;
using RelayRunner = Alknet.Engine.Relay.Relay;

namespace Alknet.Engine.Tests.Relay;

[TestFixture]
[CancelAfter(60_000)]
public class RelayTests
{
    [Test]
    public async Task RunAsync_InMemoryLeftEndsFirst_HalfClosesRightAndStillRelaysBack()
    {
        var (left, client) = DuplexPipe.CreatePair();
        var (right, target) = DuplexPipe.CreatePair();
        var relay = RelayRunner.RunAsync(left, right, RelayOptions.Default, CancellationToken.None).AsTask();

        var request = Loopback.RandomBytes(40_000);
        var response = Loopback.RandomBytes(90_000);
        var seen = await Loopback.WriteWhileReadingAsync(client.Output, request, target.Input);

        // The left→right direction is finished; right→left must still flow.
        Assert.That(relay.IsCompleted, Is.False);
        var answer = await Loopback.WriteWhileReadingAsync(target.Output, response, client.Input);
        var result = await relay;

        Assert.That(seen, Is.EqualTo(request));
        Assert.That(answer, Is.EqualTo(response));
        Assert.That(result.Outcome, Is.EqualTo(RelayOutcome.Completed));
        Assert.That(result.BytesLeftToRight, Is.EqualTo(request.Length));
        Assert.That(result.BytesRightToLeft, Is.EqualTo(response.Length));
    }

    [Test]
    public async Task RunAsync_InMemoryRightEndsFirst_HalfClosesLeftAndStillRelaysForward()
    {
        var (left, client) = DuplexPipe.CreatePair();
        var (right, target) = DuplexPipe.CreatePair();
        var relay = RelayRunner.RunAsync(left, right, RelayOptions.Default, CancellationToken.None).AsTask();

        var banner = Loopback.RandomBytes(1_000);
        var upload = Loopback.RandomBytes(300_000);
        var seen = await Loopback.WriteWhileReadingAsync(target.Output, banner, client.Input);

        Assert.That(relay.IsCompleted, Is.False);
        var uploaded = await Loopback.WriteWhileReadingAsync(client.Output, upload, target.Input);
        var result = await relay;

        Assert.That(seen, Is.EqualTo(banner));
        Assert.That(uploaded, Is.EqualTo(upload));
        Assert.That(result, Is.EqualTo(new RelayResult(RelayOutcome.Completed, upload.Length, banner.Length)));
    }

    [Test]
    public async Task RunAsync_OverSocketsEachSideHalfCloses_DeliversBothWaysAndCompletes()
    {
        await using var chain = await SocketChain.CreateAsync();
        var relay = chain.RunRelayAsync(RelayOptions.Default, CancellationToken.None);

        var request = Loopback.RandomBytes(123_456);
        var response = Loopback.RandomBytes(654_321);
        var seen = await Loopback.WriteWhileReadingAsync(chain.Client.Output, request, chain.Target.Input);
        Assert.That(relay.IsCompleted, Is.False);
        var answer = await Loopback.WriteWhileReadingAsync(chain.Target.Output, response, chain.Client.Input);
        var result = await relay;

        Assert.That(seen, Is.EqualTo(request));
        Assert.That(answer, Is.EqualTo(response));
        Assert.That(result, Is.EqualTo(new RelayResult(RelayOutcome.Completed, request.Length, response.Length)));
    }

    [Test]
    public async Task RunAsync_OverSocketsLargeTransfersBothWays_ChecksumsAndCountsMatch()
    {
        const int size = 64 * 1024 * 1024;
        await using var chain = await SocketChain.CreateAsync();
        var relay = chain.RunRelayAsync(RelayOptions.Default, CancellationToken.None);
        var up = Loopback.RandomBytes(size);
        var down = Loopback.RandomBytes(size);

        var writes = Task.WhenAll(
            Task.Run(() => Loopback.WriteAllAsync(chain.Client.Output, up)),
            Task.Run(() => Loopback.WriteAllAsync(chain.Target.Output, down)));
        var atTarget = Task.Run(() => Loopback.HashToEndAsync(chain.Target.Input));
        var atClient = Task.Run(() => Loopback.HashToEndAsync(chain.Client.Input));
        await writes;
        var (upHash, upLength) = await atTarget;
        var (downHash, downLength) = await atClient;
        var result = await relay;

        Assert.That(upLength, Is.EqualTo(size));
        Assert.That(downLength, Is.EqualTo(size));
        Assert.That(upHash, Is.EqualTo(SHA256.HashData(up)));
        Assert.That(downHash, Is.EqualTo(SHA256.HashData(down)));
        Assert.That(result, Is.EqualTo(new RelayResult(RelayOutcome.Completed, size, size)));
    }

    [Test]
    public async Task RunAsync_NoTrafficForIdleTimeout_ReturnsIdleTimeoutAndTearsDownBothSides()
    {
        var (left, client) = DuplexPipe.CreatePair();
        var (right, target) = DuplexPipe.CreatePair();
        var options = new RelayOptions { IdleTimeout = TimeSpan.FromMilliseconds(50) };

        var result = await RelayRunner.RunAsync(left, right, options, CancellationToken.None);

        Assert.That(result.Outcome, Is.EqualTo(RelayOutcome.IdleTimeout));
        Assert.That(async () => await client.Input.ReadAsync(), Throws.InstanceOf<TimeoutException>());
        Assert.That(async () => await target.Input.ReadAsync(), Throws.InstanceOf<TimeoutException>());
    }

    [Test]
    public async Task RunAsync_TrafficBeforeIdleTimeout_CountsTheBytesThenTimesOut()
    {
        var (left, client) = DuplexPipe.CreatePair();
        var (right, target) = DuplexPipe.CreatePair();
        var options = new RelayOptions { IdleTimeout = TimeSpan.FromMilliseconds(100) };
        var relay = RelayRunner.RunAsync(left, right, options, CancellationToken.None).AsTask();

        await client.Output.WriteAsync(new byte[] { 1, 2, 3, 4 });
        var forwarded = await Loopback.ReadExactlyAsync(target.Input, 4);
        var result = await relay;

        Assert.That(forwarded, Is.EqualTo(new byte[] { 1, 2, 3, 4 }));
        Assert.That(result, Is.EqualTo(new RelayResult(RelayOutcome.IdleTimeout, 4, 0)));
    }

    [Test]
    public async Task RunAsync_LeftInputFails_ReturnsLeftErrorAndTearsDownRight()
    {
        var (left, client) = DuplexPipe.CreatePair();
        var (right, target) = DuplexPipe.CreatePair();
        var relay = RelayRunner.RunAsync(left, right, RelayOptions.Default, CancellationToken.None).AsTask();
        var failure = new IOException("left broke");

        await client.Output.CompleteAsync(failure);
        var result = await relay;

        Assert.That(result.Outcome, Is.EqualTo(RelayOutcome.LeftError));
        Assert.That(result.Error, Is.SameAs(failure));
        Assert.That(async () => await target.Input.ReadAsync(), Throws.InstanceOf<IOException>());
        // The relay completed the right side's input with the error too, so writing there fails.
        Assert.That(async () => await target.Output.WriteAsync(new byte[] { 1 }), Throws.InstanceOf<IOException>());
    }

    [Test]
    public async Task RunAsync_RightOutputConsumerFails_ReturnsRightErrorAndTearsDownLeft()
    {
        var (left, client) = DuplexPipe.CreatePair();
        var (right, target) = DuplexPipe.CreatePair();
        var relay = RelayRunner.RunAsync(left, right, RelayOptions.Default, CancellationToken.None).AsTask();

        await target.Input.CompleteAsync(new IOException("right broke"));
        await client.Output.WriteAsync(new byte[] { 1, 2, 3 });
        var result = await relay;

        Assert.That(result.Outcome, Is.EqualTo(RelayOutcome.RightError));
        Assert.That(async () => await client.Input.ReadAsync(), Throws.InstanceOf<IOException>());
    }

    [Test]
    public async Task RunAsync_OverSocketsTargetResets_ReturnsAnErrorAndResetsClient()
    {
        await using var chain = await SocketChain.CreateAsync();
        var relay = chain.RunRelayAsync(RelayOptions.Default, CancellationToken.None);
        await chain.Client.Output.WriteAsync(new byte[] { 9, 9 });
        await Loopback.ReadExactlyAsync(chain.Target.Input, 2);

        chain.Target.Abort();
        var result = await relay;

        // Over sockets the relay splices, and the side named can race (RelaySpliceTests, docs/decisions/relay-splice.md).
        Assert.That(result.Outcome, Is.AnyOf(RelayOutcome.RightError, RelayOutcome.LeftError));
        Assert.That(result.BytesLeftToRight, Is.EqualTo(2));
        Assert.That(async () => await Loopback.ReadToEndAsync(chain.Client.Input), Throws.InstanceOf<IOException>());
    }

    [Test]
    public async Task RunAsync_TokenCanceled_ReturnsCanceledAndTearsDownBothSides()
    {
        var (left, client) = DuplexPipe.CreatePair();
        var (right, target) = DuplexPipe.CreatePair();
        using var cts = new CancellationTokenSource();
        var relay = RelayRunner.RunAsync(left, right, RelayOptions.Default, cts.Token).AsTask();
        await client.Output.WriteAsync(new byte[] { 5 });
        await Loopback.ReadExactlyAsync(target.Input, 1);

        await cts.CancelAsync();
        var result = await relay;

        Assert.That(result, Is.EqualTo(new RelayResult(RelayOutcome.Canceled, 1, 0)));
        Assert.That(async () => await client.Input.ReadAsync(), Throws.InstanceOf<OperationCanceledException>());
        Assert.That(async () => await target.Input.ReadAsync(), Throws.InstanceOf<OperationCanceledException>());
    }

    [Test]
    public async Task RunAsync_TokenAlreadyCanceled_ReturnsCanceled()
    {
        var (left, _) = DuplexPipe.CreatePair();
        var (right, _) = DuplexPipe.CreatePair();

        var result = await RelayRunner.RunAsync(left, right, RelayOptions.Default, new CancellationToken(canceled: true));

        Assert.That(result.Outcome, Is.EqualTo(RelayOutcome.Canceled));
    }

}

/// <summary>
/// client ⇄ (Left) relay (Right) ⇄ target, each hop a real loopback TCP connection.
/// </summary>
internal sealed class SocketChain : IAsyncDisposable
{
    private SocketChain(SocketConnection client, SocketConnection left, SocketConnection right, SocketConnection target)
    {
        Client = client;
        Left = left;
        Right = right;
        Target = target;
    }

    public SocketConnection Client { get; }

    public SocketConnection Left { get; }

    public SocketConnection Right { get; }

    public SocketConnection Target { get; }

    public static async Task<SocketChain> CreateAsync()
    {
        var (client, left) = await Loopback.ConnectionPairAsync();
        var (right, target) = await Loopback.ConnectionPairAsync();
        return new SocketChain(client, left, right, target);
    }

    public Task<RelayResult> RunRelayAsync(RelayOptions options, CancellationToken cancellationToken) =>
        RelayRunner.RunAsync(Left, Right, options, cancellationToken).AsTask();

    public async ValueTask DisposeAsync()
    {
        // Abort first: a failed test must not wait in DisposeAsync for a peer that stopped reading.
        foreach (var c in new[] { Client, Left, Right, Target })
        {
            c.Abort();
            await c.DisposeAsync();
        }
    }
}
