using System.IO.Pipelines;
using System.Net.Sockets;
using Alknet.Ssh.Auth;
using Alknet.Ssh.Keys;
using Alknet.Ssh.Transport;

namespace Alknet.Ssh;

/// <summary>What <see cref="SshClient.ProbeAsync"/> learned about a server.</summary>
public sealed record SshProbeResult(string ServerVersion, NegotiatedAlgorithms Algorithms, string HostKeyType, string HostKeyFingerprint,
    bool StrictKex, IReadOnlyList<string>? ServerSignatureAlgorithms);

/// <summary>Client role: version exchange, key exchange and user authentication over one connection.</summary>
public static class SshClient
{
    /// <summary>Runs the client handshake and authentication on <paramref name="pipe"/>.</summary>
    public static async Task<SshSession> ConnectAsync(IDuplexPipe pipe, SshClientOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(pipe);
        ArgumentNullException.ThrowIfNull(options);
        var transport = new SshTransport(pipe, options, isServer: false, verifier: options.HostKeyVerifier);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.HandshakeTimeout);
        try
        {
            await transport.HandshakeAsync(timeout.Token).ConfigureAwait(false);
            var key = await UserAuthClient.RunAsync(transport, options, timeout.Token).ConfigureAwait(false);
            return new SshSession(transport, options.User, key, ForwardingPermissions.Unrestricted);
        }
        catch (Exception e)
        {
            await FailAsync(transport, e, timeout, cancellationToken).ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Connects over TCP to <see cref="SshClientOptions.Host"/>:<see cref="SshClientOptions.Port"/> and authenticates.</summary>
    public static async Task<SshSession> ConnectAsync(SshClientOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var pipe = await OpenTcpAsync(options, cancellationToken).ConfigureAwait(false);
        return await ConnectAsync(pipe, options, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Runs only the version and key exchange against a server and reports what was negotiated, then disconnects
    /// (reason 11, by application). Host key acceptance is up to <see cref="SshClientOptions.HostKeyVerifier"/>.
    /// </summary>
    public static async Task<SshProbeResult> ProbeAsync(IDuplexPipe pipe, SshClientOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(pipe);
        ArgumentNullException.ThrowIfNull(options);
        var transport = new SshTransport(pipe, options, isServer: false, verifier: options.HostKeyVerifier);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.HandshakeTimeout);
        try
        {
            await transport.HandshakeAsync(timeout.Token).ConfigureAwait(false);
            var result = new SshProbeResult(transport.RemoteVersion, transport.Algorithms!, transport.HostKey!.KeyType,
                transport.HostKey.Fingerprint, transport.StrictKex, transport.ServerSignatureAlgorithms);
            await transport.DisconnectAsync(SshDisconnectReason.ByApplication, "probe done", CancellationToken.None).ConfigureAwait(false);
            await transport.DisposeAsync().ConfigureAwait(false);
            return result;
        }
        catch (Exception e)
        {
            await FailAsync(transport, e, timeout, cancellationToken).ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>TCP overload of <see cref="ProbeAsync(IDuplexPipe, SshClientOptions, CancellationToken)"/>.</summary>
    public static async Task<SshProbeResult> ProbeAsync(SshClientOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var pipe = await OpenTcpAsync(options, cancellationToken).ConfigureAwait(false);
        return await ProbeAsync(pipe, options, cancellationToken).ConfigureAwait(false);
    }

    private static async Task FailAsync(SshTransport transport, Exception e, CancellationTokenSource timeout, CancellationToken outer)
    {
        if (e is SshProtocolException p)
            await transport.DisconnectAsync(p.Reason, p.Message, CancellationToken.None).ConfigureAwait(false);
        else if (e is OperationCanceledException && timeout.IsCancellationRequested && !outer.IsCancellationRequested)
            await transport.DisconnectAsync(SshDisconnectReason.ByApplication, "handshake timeout", CancellationToken.None).ConfigureAwait(false);
        await transport.DisposeAsync().ConfigureAwait(false);
    }

    private static async Task<IDuplexPipe> OpenTcpAsync(SshClientOptions options, CancellationToken ct)
    {
        if (options.Host.Length == 0) throw new ArgumentException("no host given", nameof(options));
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(options.HandshakeTimeout);
            await socket.ConnectAsync(options.Host, options.Port, timeout.Token).ConfigureAwait(false);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
        var stream = new NetworkStream(socket, ownsSocket: true);
        return new StreamDuplexPipe(PipeReader.Create(stream), PipeWriter.Create(stream));
    }

    private sealed class StreamDuplexPipe(PipeReader input, PipeWriter output) : IDuplexPipe
    {
        public PipeReader Input { get; } = input;
        public PipeWriter Output { get; } = output;
    }
}
