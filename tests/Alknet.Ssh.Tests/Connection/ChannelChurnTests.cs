using Alknet.Ssh.Connection;
using NUnit.Framework;

namespace Alknet.Ssh.Tests.Connection;

/// <summary>
/// Many short channels at once, each writing the moment it is open (what a SOCKS5 client does through the tunnel).
/// The accepting side must already treat the channel as open when its confirmation leaves: the peer's first data can
/// be dispatched by the read loop before the accepting code runs again.
/// </summary>
[TestFixture]
[CancelAfter(120_000)]
public class ChannelChurnTests
{
    /// <summary>Channels per worker; with the confirmation sent before the channel was open, 60 failed one run in three.</summary>
    private const int PerWorker = 200;

    [Test]
    public async Task OpenWriteClose_ManyConcurrently_SessionSurvivesAndEveryEchoArrives()
    {
        var handler = new AcceptingHandler(AcceptingHandler.Echo);
        await using var pair = await ConnectionPair.StartAsync(handler, transportPipes: ChannelAllocationTests.SocketLikePipe);
        int completed = 0;
        async Task Worker(int w)
        {
            for (int i = 0; i < PerWorker; i++)
            {
                var channel = await pair.Client.OpenDirectTcpIpAsync("h", 7, "127.0.0.1", (ushort)(w + 1));
                await using (channel)
                {
                    byte[] data = [(byte)w, (byte)i, 1, 2, 3];
                    await PipeData.WriteAllAsync(channel.Output, data, data.Length);
                    Assert.That(await PipeData.ReadAllAsync(channel.Input), Is.EqualTo(data));
                }
                Interlocked.Increment(ref completed);
            }
        }
        await Task.WhenAll(Enumerable.Range(0, 32).Select(w => Task.Run(() => Worker(w))));
        Assert.That(completed, Is.EqualTo(32 * PerWorker));
        Assert.That(pair.Client.IsEnded || pair.Server.IsEnded, Is.False, "the session survived");
    }
}
