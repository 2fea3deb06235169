using System.IO.Pipelines;
using System.Net;
using Alknet.Ssh.Connection;
using Alknet.Ssh.Crypto;
using Alknet.Ssh.Messages;
using Alknet.Ssh.Transport;
using NUnit.Framework;

namespace Alknet.Ssh.Tests.Session;

/// <summary>A relay between client and server that can flip one bit of the next client→server chunk.</summary>
[TestFixture]
public sealed class TamperingTests
{
    private static async Task RelayAsync(PipeReader from, PipeWriter to, Func<bool> corruptNext)
    {
        while (true)
        {
            var result = await from.ReadAsync();
            foreach (var segment in result.Buffer)
            {
                var copy = segment.ToArray();
                if (copy.Length > 8 && corruptNext()) copy[copy.Length / 2] ^= 0x10;
                await to.WriteAsync(copy);
            }
            from.AdvanceTo(result.Buffer.End);
            if (result.IsCompleted) { await to.CompleteAsync(); return; }
        }
    }

    [TestCase(PacketCiphers.Aes128Gcm, null)]
    [TestCase(PacketCiphers.ChaCha20Poly1305, null)]
    [TestCase(PacketCiphers.Aes128Ctr, PacketCiphers.HmacSha256Etm)]
    [TestCase(PacketCiphers.Aes256Ctr, PacketCiphers.HmacSha512)]
    public async Task Session_FlippedBitInEncryptedPacket_DisconnectsMacError(string cipher, string? mac)
    {
        var user = SessionHarness.Key("ed25519", 1);
        var clientToRelay = new Pipe(SessionHarness.Options);
        var relayToServer = new Pipe(SessionHarness.Options);
        var serverToClient = new Pipe(SessionHarness.Options);
        int corrupt = 0;
        var relay = RelayAsync(clientToRelay.Reader, relayToServer.Writer, () => Interlocked.Exchange(ref corrupt, 0) == 1);

        var serverTask = SshServer.AcceptAsync(new DuplexPipe(relayToServer.Reader, serverToClient.Writer),
            SessionHarness.Server(new BlobAuthorizer("alice", user.PublicKey)), new IPEndPoint(IPAddress.Loopback, 1));
        var clientOptions = new SshClientOptions
        {
            User = "alice",
            Identities = [new Alknet.Ssh.Auth.SshClientIdentity(user)],
            HostKeyVerifier = new AcceptAnyHostKeyVerifier(),
            Algorithms = new SshAlgorithmOptions { Ciphers = [cipher], Macs = mac is null ? [PacketCiphers.HmacSha256Etm] : [mac] },
        };
        await using var client = await SshClient.ConnectAsync(new DuplexPipe(serverToClient.Reader, clientToRelay.Writer), clientOptions);
        await using var server = await serverTask;
        var dispatcher = new SshConnection(server).RunAsync();

        await client.WriteAsync(new GlobalRequest("x@alknet", true, new byte[64]));
        Assert.That((await client.ReadAsync()).MessageNumber, Is.EqualTo(SshMessageNumbers.RequestFailure));

        Volatile.Write(ref corrupt, 1);
        await client.WriteAsync(new GlobalRequest("x@alknet", true, new byte[256]));
        var serverEx = Assert.ThrowsAsync<SshProtocolException>(async () => await dispatcher);
        Assert.That(serverEx!.Reason, Is.EqualTo(SshDisconnectReason.MacError));
        var clientEx = Assert.ThrowsAsync<SshDisconnectedException>(async () => await client.ReadAsync());
        Assert.That(clientEx!.Reason, Is.EqualTo(SshDisconnectReason.MacError));
        await clientToRelay.Writer.CompleteAsync();
        await relay;
    }
}
