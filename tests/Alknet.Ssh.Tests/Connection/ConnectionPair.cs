using System.IO.Pipelines;
using Alknet.Ssh.Connection;
using Alknet.Ssh.Tests.Session;

namespace Alknet.Ssh.Tests.Connection;

/// <summary>An authenticated in-memory session with the connection layer running on both ends.</summary>
internal sealed class ConnectionPair : IAsyncDisposable
{
    private ConnectionPair(SshConnection client, SshConnection server)
    {
        Client = client;
        Server = server;
        ClientLoop = Observe(client.RunAsync());
        ServerLoop = Observe(server.RunAsync());
    }

    public SshConnection Client { get; }
    public SshConnection Server { get; }
    public Task ClientLoop { get; }
    public Task ServerLoop { get; }

    public static async Task<ConnectionPair> StartAsync(ISshConnectionHandler? serverHandler, ISshConnectionHandler? clientHandler = null,
        Func<SshConnectionOptions, SshConnectionOptions>? tune = null, long rekeyBytes = 1L << 30,
        Func<DuplexPipe, IDuplexPipe>? serverTransport = null, Func<PipeOptions>? transportPipes = null)
    {
        var user = SessionHarness.Key("ed25519", 1);
        var (client, server) = await SessionHarness.ConnectAsync(
            new SshClientOptions
            {
                User = "alice",
                Identities = [new Alknet.Ssh.Auth.SshClientIdentity(user)],
                HostKeyVerifier = new Alknet.Ssh.Transport.AcceptAnyHostKeyVerifier(),
                RekeyBytes = rekeyBytes,
            },
            new SshServerOptions
            {
                HostKeys = [SessionHarness.Key("ed25519")],
                Authorizer = new BlobAuthorizer("alice", user.PublicKey),
                RekeyBytes = rekeyBytes,
            },
            serverTransport, transportPipes);
        tune ??= o => o;
        return new ConnectionPair(
            new SshConnection(client, tune(new SshConnectionOptions { Handler = clientHandler })),
            new SshConnection(server, tune(new SshConnectionOptions { Handler = serverHandler })));
    }

    private static async Task Observe(Task loop)
    {
        try { await loop.ConfigureAwait(false); }
        catch (Exception e) when (e is Alknet.Ssh.Transport.SshDisconnectedException) { }
    }

    public async ValueTask DisposeAsync()
    {
        await Client.DisposeAsync();
        await Server.DisposeAsync();
        await Task.WhenAny(Task.WhenAll(ClientLoop, ServerLoop), Task.Delay(5000));
    }
}

/// <summary>Server policy for tests: every direct-tcpip is accepted and handed to <see cref="Serve"/>.</summary>
internal sealed class AcceptingHandler(Func<SshChannel, Task> serve) : ISshConnectionHandler
{
    public List<Task> Served { get; } = [];

    public void OnChannelOpen(SshChannelOpenRequest request)
    {
        lock (Served) Served.Add(Task.Run(async () =>
        {
            var channel = await request.AcceptAsync();
            await using (channel) await serve(channel);
        }));
    }

    public ValueTask<GlobalRequestReply> OnGlobalRequestAsync(SshConnection connection, string name, ReadOnlyMemory<byte> data, CancellationToken cancellationToken) =>
        new(GlobalRequestReply.Failure);

    /// <summary>Echoes until the peer's EOF, then sends EOF back.</summary>
    public static async Task Echo(SshChannel channel)
    {
        while (true)
        {
            var result = await channel.Input.ReadAsync();
            foreach (var segment in result.Buffer) await channel.Output.WriteAsync(segment);
            channel.Input.AdvanceTo(result.Buffer.End);
            if (result.IsCompleted) break;
        }
        await channel.Output.CompleteAsync();
    }
}

/// <summary>
/// A transport end whose flushes return late once <see cref="Delay"/> is set: the bytes are already readable by the
/// peer, only the writer hears of it afterwards, as when the writing thread is preempted right after its send.
/// </summary>
internal sealed class SlowFlushPipe(IDuplexPipe inner) : IDuplexPipe
{
    private readonly SlowFlushWriter _output = new(inner.Output);

    public PipeReader Input => inner.Input;

    public PipeWriter Output => _output;

    public TimeSpan Delay
    {
        get => _output.Delay;
        set => _output.Delay = value;
    }

    private sealed class SlowFlushWriter(PipeWriter inner) : PipeWriter
    {
        public TimeSpan Delay { get; set; }

        public override void Advance(int bytes) => inner.Advance(bytes);

        public override Memory<byte> GetMemory(int sizeHint = 0) => inner.GetMemory(sizeHint);

        public override Span<byte> GetSpan(int sizeHint = 0) => inner.GetSpan(sizeHint);

        public override void CancelPendingFlush() => inner.CancelPendingFlush();

        public override void Complete(Exception? exception = null) => inner.Complete(exception);

        public override async ValueTask<FlushResult> FlushAsync(CancellationToken cancellationToken = default)
        {
            var result = await inner.FlushAsync(cancellationToken);
            if (Delay > TimeSpan.Zero) await Task.Delay(Delay, cancellationToken);
            return result;
        }
    }
}

internal static class PipeData
{
    public static async Task<byte[]> ReadAllAsync(PipeReader reader)
    {
        var ms = new MemoryStream();
        while (true)
        {
            var result = await reader.ReadAsync();
            foreach (var segment in result.Buffer) ms.Write(segment.Span);
            reader.AdvanceTo(result.Buffer.End);
            if (result.IsCompleted) return ms.ToArray();
        }
    }

    public static async Task WriteAllAsync(PipeWriter writer, byte[] data, int chunk, bool complete = true)
    {
        for (int i = 0; i < data.Length; i += chunk)
            await writer.WriteAsync(data.AsMemory(i, Math.Min(chunk, data.Length - i)));
        if (complete) await writer.CompleteAsync();
    }

    public static byte[] Random(int length)
    {
        var b = new byte[length];
        System.Random.Shared.NextBytes(b);
        return b;
    }
}
