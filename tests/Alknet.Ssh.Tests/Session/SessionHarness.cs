using System.Collections.Concurrent;
using System.IO.Pipelines;
using System.Net;
using Alknet.Ssh.Auth;
using Alknet.Ssh.Keys;
using Alknet.Ssh.Transport;

namespace Alknet.Ssh.Tests.Session;

/// <summary>In-memory client↔server plumbing: two pipes crossed, keys cached per type, a blob-matching authorizer.</summary>
internal static class SessionHarness
{
    private static readonly ConcurrentDictionary<string, SshPrivateKey> Keys = new();

    public static readonly PipeOptions Options = new(pauseWriterThreshold: 1 << 20, resumeWriterThreshold: 1 << 19, useSynchronizationContext: false);

    /// <param name="options">Options for each of the two pipes (called once per pipe, so that schedulers are not
    /// shared); <see cref="Options"/> when null.</param>
    public static (DuplexPipe Client, DuplexPipe Server) CreatePipePair(Func<PipeOptions>? options = null)
    {
        var toServer = new Pipe(options?.Invoke() ?? Options);
        var toClient = new Pipe(options?.Invoke() ?? Options);
        return (new DuplexPipe(toClient.Reader, toServer.Writer), new DuplexPipe(toServer.Reader, toClient.Writer));
    }

    /// <summary>"ed25519", "ecdsa256/384/521", "rsa" (2048 bits: generation time is not what is tested).</summary>
    public static SshPrivateKey Key(string name, int slot = 0) => Keys.GetOrAdd(name + "#" + slot, _ => name switch
    {
        "ed25519" => SshPrivateKey.Generate("ed25519"),
        "ecdsa256" => SshPrivateKey.Generate("ecdsa", 256),
        "ecdsa384" => SshPrivateKey.Generate("ecdsa", 384),
        "ecdsa521" => SshPrivateKey.Generate("ecdsa", 521),
        "rsa" => SshPrivateKey.Generate("rsa", 2048),
        _ => throw new ArgumentException(name),
    });

    public static SshServerOptions Server(ISshUserAuthorizer authorizer, params SshPrivateKey[] hostKeys) => new()
    {
        HostKeys = hostKeys.Length == 0 ? [Key("ed25519")] : hostKeys,
        Authorizer = authorizer,
    };

    public static SshClientOptions Client(string user, params SshPrivateKey[] identities) => new()
    {
        User = user,
        Identities = [.. identities.Select(k => new SshClientIdentity(k))],
        HostKeyVerifier = new AcceptAnyHostKeyVerifier(),
    };

    /// <summary>
    /// Runs both handshakes concurrently and returns both sessions. <paramref name="serverTransport"/> may wrap the
    /// server's end of the pipes (to slow its flushes, for instance); <paramref name="pipeOptions"/> replaces the pipes' options.
    /// </summary>
    public static async Task<(SshSession Client, SshSession Server)> ConnectAsync(SshClientOptions client, SshServerOptions server,
        Func<DuplexPipe, IDuplexPipe>? serverTransport = null, Func<PipeOptions>? pipeOptions = null)
    {
        var (c, s) = CreatePipePair(pipeOptions);
        var serverTask = SshServer.AcceptAsync(serverTransport is null ? s : serverTransport(s), server, new IPEndPoint(IPAddress.Loopback, 40000));
        var clientTask = SshClient.ConnectAsync(c, client);
        try
        {
            return (await clientTask.WaitAsync(TimeSpan.FromSeconds(60)), await serverTask.WaitAsync(TimeSpan.FromSeconds(60)));
        }
        catch
        {
            await Task.WhenAny(Task.WhenAll(serverTask, clientTask), Task.Delay(5000));
            throw;
        }
    }
}

internal sealed class DuplexPipe(PipeReader input, PipeWriter output) : IDuplexPipe
{
    public PipeReader Input { get; } = input;
    public PipeWriter Output { get; } = output;
}

/// <summary>Allows exactly the listed key blobs for one user, and records every key it was asked about.</summary>
internal sealed class BlobAuthorizer(string user, params SshPublicKey[] allowed) : ISshUserAuthorizer
{
    public ConcurrentQueue<string> Asked { get; } = new();

    public SshAuthorizationDecision Authorize(string userName, SshPublicKey key, IPAddress peer, DateTimeOffset now)
    {
        Asked.Enqueue(key.Fingerprint);
        if (userName != user) return SshAuthorizationDecision.Deny("unknown user");
        foreach (var a in allowed)
            if (a.BlobEquals(key)) return SshAuthorizationDecision.Allow(ForwardingPermissions.Unrestricted);
        return SshAuthorizationDecision.Deny("key not authorized");
    }
}
