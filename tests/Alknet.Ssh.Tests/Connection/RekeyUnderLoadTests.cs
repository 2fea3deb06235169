using System.IO.Pipelines;
using System.Security.Cryptography;
using Alknet.Ssh.Auth;
using Alknet.Ssh.Connection;
using Alknet.Ssh.Tests.Session;
using Alknet.Ssh.Transport;
using NUnit.Framework;

namespace Alknet.Ssh.Tests.Connection;

/// <summary>
/// Key re-exchanges while channel data fills the transport in both directions. Each side queues what its channels
/// write during the exchange and sends it after NEWKEYS; both queues can be larger than the output takes before a
/// flush waits for the peer to read, so if the read loops waited for those flushes, neither would read again.
/// </summary>
[TestFixture]
[CancelAfter(120_000)]
public class RekeyUnderLoadTests
{
    private const int Chunk = 32 * 1024;
    private const int Chunks = 1024; // 32 MiB each way

    [TestCase(1 << 20)]
    [TestCase(4 << 20)]
    public async Task ChannelData_BothWaysAcrossManyRekeys_ArrivesIntact(int rekeyBytes)
    {
        var user = SessionHarness.Key("ed25519", 1);
        var clientOptions = new SshClientOptions
        {
            User = "alice",
            Identities = [new SshClientIdentity(user)],
            HostKeyVerifier = new AcceptAnyHostKeyVerifier(),
            RekeyBytes = rekeyBytes,
        };
        var (c, s) = await SessionHarness.ConnectAsync(clientOptions, SessionHarness.Server(new BlobAuthorizer("alice", user.PublicKey)));
        var accepted = new TaskCompletionSource<SshChannel>(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource();
        var handler = new AcceptingHandler(async ch =>
        {
            accepted.SetResult(ch);
            await release.Task;
        });
        await using var client = new SshConnection(c);
        await using var server = new SshConnection(s, new SshConnectionOptions { Handler = handler });
        var loops = Task.WhenAll(Observe(client.RunAsync()), Observe(server.RunAsync()));
        var a = await client.OpenDirectTcpIpAsync("h", 1, "127.0.0.1", 1);
        var b = await accepted.Task;

        var up = PipeData.Random(Chunk);
        var down = PipeData.Random(Chunk);
        var transfer = Task.WhenAll(Send(a.Output, up), Receive(b.Input, up), Send(b.Output, down), Receive(a.Input, down));
        var finished = await Task.WhenAny(transfer, Task.Delay(TimeSpan.FromSeconds(60)));

        Assert.That(finished, Is.SameAs(transfer), $"stalled after {c.KeyExchangeCount} key exchanges");
        await transfer; // rethrows a corrupted or short stream
        Assert.That(c.KeyExchangeCount, Is.GreaterThanOrEqualTo(4), "the client rekeyed several times along the way");
        release.SetResult();
        await a.DisposeAsync();
        await client.DisposeAsync();
        await server.DisposeAsync();
        await Task.WhenAny(loops, Task.Delay(5000));
    }

    private static async Task Observe(Task loop)
    {
        try { await loop; }
        catch (SshDisconnectedException) { }
    }

    private static async Task Send(PipeWriter output, byte[] chunk)
    {
        for (int i = 0; i < Chunks; i++) await output.WriteAsync(chunk);
    }

    /// <summary>Every byte received must repeat <paramref name="chunk"/>, Chunks times.</summary>
    private static async Task Receive(PipeReader input, byte[] chunk)
    {
        long expected = (long)Chunks * chunk.Length, received = 0;
        while (received < expected)
        {
            var result = await input.ReadAsync();
            foreach (var segment in result.Buffer)
            {
                var span = segment.Span;
                for (int i = 0; i < span.Length; i++)
                {
                    if (span[i] != chunk[(int)((received + i) % chunk.Length)]) throw new InvalidDataException($"byte {received + i} differs");
                }
                received += span.Length;
            }
            input.AdvanceTo(result.Buffer.End);
            if (result.IsCompleted && received < expected) throw new InvalidDataException($"stream ended after {received} of {expected} bytes");
        }
    }
}
