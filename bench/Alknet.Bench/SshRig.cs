using System.Collections.Concurrent;
using System.IO.Pipelines;
using System.Net;
using Alknet.Engine.Buffers;
using Alknet.Engine.Transport;
using Alknet.Ssh;
using Alknet.Ssh.Auth;
using Alknet.Ssh.Connection;
using Alknet.Ssh.Keys;
using Alknet.Ssh.Transport;

namespace Alknet.Bench;

/// <summary>
/// In-memory SSH plumbing for the channel and handshake benchmarks: two crossed pipes built like
/// <see cref="SocketConnection"/>'s (pinned 32 KiB blocks, 16-block thresholds, the dispatch scheduler), an ed25519
/// host key and an ed25519 user key, and an authorizer that accepts exactly that user key.
/// </summary>
internal static class SshRig
{
    public const string User = "bench";

    private static readonly Lazy<SshPrivateKey> HostKeyLazy = new(() => SshPrivateKey.Generate("ed25519"));
    private static readonly Lazy<SshPrivateKey> UserKeyLazy = new(() => SshPrivateKey.Generate("ed25519"));

    public static SshPrivateKey HostKey => HostKeyLazy.Value;

    public static SshPrivateKey UserKey => UserKeyLazy.Value;

    public static PipeOptions SocketLikePipe()
    {
        var pool = PinnedBlockMemoryPool.Shared;
        return new PipeOptions(pool, readerScheduler: new DispatchScheduler(), writerScheduler: new DispatchScheduler(),
            pauseWriterThreshold: 16 * pool.BlockSize, resumeWriterThreshold: 8 * pool.BlockSize,
            minimumSegmentSize: pool.BlockSize, useSynchronizationContext: false);
    }

    /// <summary>curve25519-sha256 only, one cipher, ssh-ed25519 host keys: the handshake OpenSSH 9 and Alknet agree on.</summary>
    public static SshAlgorithmOptions Algorithms(string cipher) => new()
    {
        KeyExchange = [SshAlgorithmNames.Curve25519Sha256],
        Ciphers = [cipher],
        HostKey = ["ssh-ed25519"],
    };

    public static SshClientOptions ClientOptions(string cipher) => new()
    {
        User = User,
        Identities = [new SshClientIdentity(UserKey)],
        HostKeyVerifier = new PinnedHostKeyVerifier(HostKey.PublicKey),
        Algorithms = Algorithms(cipher),
    };

    public static SshServerOptions ServerOptions(string cipher) => new()
    {
        HostKeys = [HostKey],
        Authorizer = new SingleKeyAuthorizer(UserKey.PublicKey),
        Algorithms = Algorithms(cipher),
    };

    /// <summary>Both handshakes at once over a fresh pipe pair; returns the authenticated sessions.</summary>
    public static async Task<(SshSession Client, SshSession Server)> HandshakeAsync(SshClientOptions client, SshServerOptions server)
    {
        var toServer = new Pipe(SocketLikePipe());
        var toClient = new Pipe(SocketLikePipe());
        var serverTask = SshServer.AcceptAsync(new DuplexPipe(toServer.Reader, toClient.Writer), server, new IPEndPoint(IPAddress.Loopback, 22));
        var clientSession = await SshClient.ConnectAsync(new DuplexPipe(toClient.Reader, toServer.Writer), client).ConfigureAwait(false);
        return (clientSession, await serverTask.ConfigureAwait(false));
    }

    /// <summary>Accepts every channel and hands it to whoever waits in <see cref="Accepted"/>.</summary>
    public sealed class HandingHandler : ISshConnectionHandler
    {
        public BlockingCollection<SshChannel> Accepted { get; } = [];

        public void OnChannelOpen(SshChannelOpenRequest request) =>
            _ = Task.Run(async () => Accepted.Add(await request.AcceptAsync().ConfigureAwait(false)));

        public ValueTask<GlobalRequestReply> OnGlobalRequestAsync(SshConnection connection, string name, ReadOnlyMemory<byte> data, CancellationToken cancellationToken) =>
            new(GlobalRequestReply.Failure);
    }

    private sealed class SingleKeyAuthorizer(SshPublicKey allowed) : ISshUserAuthorizer
    {
        public SshAuthorizationDecision Authorize(string user, SshPublicKey key, IPAddress peer, DateTimeOffset now) =>
            user == User && key.BlobEquals(allowed)
                ? SshAuthorizationDecision.Allow(ForwardingPermissions.Unrestricted)
                : SshAuthorizationDecision.Deny("not the benchmark key");
    }

    private sealed class DuplexPipe(PipeReader input, PipeWriter output) : IDuplexPipe
    {
        public PipeReader Input { get; } = input;

        public PipeWriter Output { get; } = output;
    }
}
