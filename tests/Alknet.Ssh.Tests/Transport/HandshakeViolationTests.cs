using System.Net;
using Alknet.Ssh.Messages;
using Alknet.Ssh.Tests.Session;
using Alknet.Ssh.Transport;
using NUnit.Framework;

namespace Alknet.Ssh.Tests.Transport;

/// <summary>A hand-driven client breaks the key exchange rules; the server must answer with the exact DISCONNECT.</summary>
[TestFixture]
public sealed class HandshakeViolationTests
{
    private static async Task<(Task<SshSession> Server, RawPeer Peer)> StartAsync(TimeSpan? grace = null)
    {
        var (client, server) = SessionHarness.CreatePipePair();
        var options = new SshServerOptions
        {
            HostKeys = [SessionHarness.Key("ed25519")],
            Authorizer = new BlobAuthorizer("nobody"),
            LoginGraceTime = grace ?? TimeSpan.FromSeconds(30),
        };
        var serverTask = SshServer.AcceptAsync(server, options, new IPEndPoint(IPAddress.Loopback, 1234));
        var peer = new RawPeer(client);
        await peer.WriteRawAsync("SSH-2.0-RawTest\r\n");
        Assert.That(await peer.ReadLineAsync(), Does.StartWith("SSH-2.0-Alknet_"));
        return (serverTask, peer);
    }

    private static async Task AssertRejectedAsync(Task<SshSession> server, RawPeer peer, SshDisconnectReason reason)
    {
        Assert.That(await peer.ReadDisconnectAsync(), Is.EqualTo(reason));
        var ex = Assert.ThrowsAsync<SshProtocolException>(async () => await server);
        Assert.That(ex!.Reason, Is.EqualTo(reason));
    }

    [Test]
    public async Task Server_IgnoreBeforeNewKeysUnderStrictKex_DisconnectsProtocolError()
    {
        var (server, peer) = await StartAsync();
        using (peer)
        {
            await peer.WriteAsync(RawPeer.ClientKexInit(strict: true));
            await peer.WriteAsync(new Ignore(new byte[] { 1 }));
            await AssertRejectedAsync(server, peer, SshDisconnectReason.ProtocolError);
        }
    }

    [Test]
    public async Task Server_IgnoreBeforeKexInitUnderStrictKex_DisconnectsProtocolError()
    {
        var (server, peer) = await StartAsync();
        using (peer)
        {
            await peer.WriteAsync(new Ignore(new byte[] { 1 }));
            await peer.WriteAsync(RawPeer.ClientKexInit(strict: true));
            await AssertRejectedAsync(server, peer, SshDisconnectReason.ProtocolError);
        }
    }

    [Test]
    public async Task Server_IgnoreBeforeNewKeysWithoutStrictKex_IsTolerated()
    {
        var (server, peer) = await StartAsync();
        using (peer)
        {
            await peer.WriteAsync(new Ignore(new byte[] { 1 }));
            await peer.WriteAsync(RawPeer.ClientKexInit(strict: false));
            await peer.WriteAsync(new Ignore(new byte[] { 1 }));
            // The server answers with its KEXINIT and then waits for ECDH_INIT; a NEWKEYS instead is out of order.
            var first = await peer.ReadPacketAsync();
            Assert.That(first![0], Is.EqualTo(SshMessageNumbers.KexInit));
            await peer.WriteAsync(new NewKeys());
            await AssertRejectedAsync(server, peer, SshDisconnectReason.ProtocolError);
        }
    }

    [Test]
    public async Task Server_NewKeysBeforeKexInit_DisconnectsProtocolError()
    {
        var (server, peer) = await StartAsync();
        using (peer)
        {
            await peer.WriteAsync(new NewKeys());
            await AssertRejectedAsync(server, peer, SshDisconnectReason.ProtocolError);
        }
    }

    [Test]
    public async Task Server_ServiceRequestBeforeKeyExchange_DisconnectsProtocolError()
    {
        var (server, peer) = await StartAsync();
        using (peer)
        {
            await peer.WriteAsync(new ServiceRequest("ssh-userauth"));
            await AssertRejectedAsync(server, peer, SshDisconnectReason.ProtocolError);
        }
    }

    [Test]
    public async Task Server_ChannelOpenBeforeKeyExchange_DisconnectsProtocolError()
    {
        var (server, peer) = await StartAsync();
        using (peer)
        {
            await peer.WriteAsync(new ChannelOpen("session", 0, 1024, 1024, ReadOnlyMemory<byte>.Empty));
            await AssertRejectedAsync(server, peer, SshDisconnectReason.ProtocolError);
        }
    }

    [Test]
    public async Task Server_HugePacketLengthPreAuth_DisconnectsProtocolError()
    {
        var (server, peer) = await StartAsync();
        using (peer)
        {
            await peer.WriteBytesAsync([0xFF, 0xFF, 0xFF, 0xF0]);
            await AssertRejectedAsync(server, peer, SshDisconnectReason.ProtocolError);
        }
    }

    [Test]
    public async Task Server_NoCommonCipher_DisconnectsKeyExchangeFailed()
    {
        var (server, peer) = await StartAsync();
        using (peer)
        {
            await peer.WriteAsync(RawPeer.ClientKexInit(strict: true) with { CiphersClientToServer = ["3des-cbc"] });
            await AssertRejectedAsync(server, peer, SshDisconnectReason.KeyExchangeFailed);
        }
    }

    [Test]
    public async Task Server_InvalidCurve25519Point_DisconnectsKeyExchangeFailed()
    {
        var (server, peer) = await StartAsync();
        using (peer)
        {
            await peer.WriteAsync(RawPeer.ClientKexInit(strict: true));
            await peer.WriteAsync(new KexEcdhInit(new byte[32])); // the zero point: all-zero shared secret
            await AssertRejectedAsync(server, peer, SshDisconnectReason.KeyExchangeFailed);
        }
    }

    [Test]
    public async Task Server_SlowDripVersionLine_LoginGraceTimeDisconnects()
    {
        var (client, serverPipe) = SessionHarness.CreatePipePair();
        var options = new SshServerOptions
        {
            HostKeys = [SessionHarness.Key("ed25519")],
            Authorizer = new BlobAuthorizer("nobody"),
            LoginGraceTime = TimeSpan.FromMilliseconds(200),
        };
        var serverTask = SshServer.AcceptAsync(serverPipe, options);
        await client.Output.WriteAsync("SSH-2."u8.ToArray());
        Assert.ThrowsAsync<TimeoutException>(async () => await serverTask);
        using var peer = new RawPeer(client);
        Assert.That(await peer.ReadLineAsync(), Does.StartWith("SSH-2.0-"));
        Assert.That(await peer.ReadDisconnectAsync(), Is.EqualTo(SshDisconnectReason.ByApplication));
    }

    [Test]
    public async Task Server_NotSshFirstLine_DisconnectsProtocolError()
    {
        var (client, serverPipe) = SessionHarness.CreatePipePair();
        var serverTask = SshServer.AcceptAsync(serverPipe, new SshServerOptions
        {
            HostKeys = [SessionHarness.Key("ed25519")],
            Authorizer = new BlobAuthorizer("nobody"),
        });
        await client.Output.WriteAsync("GET / HTTP/1.1\r\n"u8.ToArray());
        var ex = Assert.ThrowsAsync<SshProtocolException>(async () => await serverTask);
        Assert.That(ex!.Reason, Is.EqualTo(SshDisconnectReason.ProtocolError));
    }
}
