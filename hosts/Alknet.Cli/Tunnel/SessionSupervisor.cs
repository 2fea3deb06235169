using System.Diagnostics;
using Alknet.Engine.Dialing;
using Alknet.Engine.Relay;
using Alknet.Ssh;
using Alknet.Ssh.Connection;
using Alknet.Ssh.Transport;
using Microsoft.Extensions.Logging;

namespace Alknet.Cli.Tunnel;

/// <summary>A remote forward to keep registered on every session: listen there (server side), connect here.</summary>
internal sealed record RemoteForwardRequest(string BindAddress, ushort Port, DialTarget LocalTarget);

/// <summary>
/// Keeps one SSH session up for as long as the tunnel runs: connect and authenticate, register the remote forwards,
/// serve until the session dies, then reconnect with backoff, forever. While no session is up,
/// <see cref="Current"/> is null and dials through the tunnel fail at once (SOCKS5 reply 0x01) instead of hanging.
/// </summary>
internal sealed class SessionSupervisor(
    Func<CancellationToken, Task<TunnelSession>> connect,
    IReadOnlyList<RemoteForwardRequest> remoteForwards,
    SshConnectionOptions connectionSettings,
    ReconnectBackoff backoff,
    ILogger logger)
{
    private volatile SshConnection? _current;
    private readonly TaskCompletionSource _firstSession = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>The live connection, or null while reconnecting.</summary>
    public SshConnection? Current => _current;

    /// <summary>Completes when the first session is up; faults if the first attempt fails for good (host key, auth).</summary>
    public Task FirstSession => _firstSession.Task;

    /// <summary>Runs until <paramref name="stop"/>. A host key or authentication refusal on the first attempt ends it with that error.</summary>
    public async Task RunAsync(CancellationToken stop)
    {
        bool everConnected = false;
        while (!stop.IsCancellationRequested)
        {
            TunnelSession session;
            try
            {
                session = await connect(stop).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e) when (!everConnected && IsPermanent(e))
            {
                // A wrong host key or a refused key will not fix itself: say so and stop, as ssh does.
                _firstSession.TrySetException(e);
                throw;
            }
            catch (Exception e)
            {
                var delay = backoff.NextDelay();
                // After a first good session a refused host key or user key may be a server being rebuilt, so it is
                // retried (no data ever goes to an unverified server), but loudly: it may also be someone in between.
                var level = IsPermanent(e) ? LogLevel.Error : LogLevel.Warning;
                if (logger.IsEnabled(level))
                    logger.Log(level, "connect failed: {Reason}; retrying in {Delay:0.0}s", Describe(e), delay.TotalSeconds);
                if (!await DelayAsync(delay, stop).ConfigureAwait(false)) break;
                continue;
            }

            everConnected = true;
            long started = Stopwatch.GetTimestamp();
            string outcome;
            await using (session.Transport.ConfigureAwait(false))
                outcome = await ServeAsync(session.Session, stop).ConfigureAwait(false);
            if (stop.IsCancellationRequested) break;
            // A session that stayed up a while earns a fresh start of the backoff; one that died at once does not.
            backoff.SessionEnded(Stopwatch.GetElapsedTime(started));
            var wait = backoff.NextDelay();
            if (logger.IsEnabled(LogLevel.Warning))
                logger.LogWarning("session ended: {Outcome}; reconnecting in {Delay:0.0}s", outcome, wait.TotalSeconds);
            if (!await DelayAsync(wait, stop).ConfigureAwait(false)) break;
        }
        _firstSession.TrySetCanceled(CancellationToken.None);
    }

    private async Task<string> ServeAsync(SshSession session, CancellationToken stop)
    {
        var forwarding = new ClientForwarding(new DirectDialer(), RelayOptions.Default);
        var connection = new SshConnection(session, new SshConnectionOptions
        {
            Handler = forwarding,
            InitialWindowSize = connectionSettings.InitialWindowSize,
            AlknetPeerWindowSize = connectionSettings.AlknetPeerWindowSize,
            MaxPacketSize = connectionSettings.MaxPacketSize,
            MaxChannels = connectionSettings.MaxChannels,
            KeepaliveInterval = connectionSettings.KeepaliveInterval,
            KeepaliveCountMax = connectionSettings.KeepaliveCountMax,
            Logger = logger,
        });
        var loop = connection.RunAsync(stop);
        _current = connection;
        if (logger.IsEnabled(LogLevel.Information))
            logger.LogInformation("session up: {Server} host key {Fingerprint} ({Cipher})", session.RemoteVersion, session.HostKey.Fingerprint, session.Algorithms.CipherClientToServer);
        await RegisterRemoteForwardsAsync(connection, forwarding, stop).ConfigureAwait(false);
        _firstSession.TrySetResult();
        string outcome;
        try
        {
            await loop.ConfigureAwait(false);
            outcome = "closed";
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            outcome = "shutdown";
        }
        catch (Exception e)
        {
            outcome = Describe(e);
        }
        finally
        {
            _current = null;
        }
        if (stop.IsCancellationRequested)
            await connection.DisconnectAsync(SshDisconnectReason.ByApplication, "client shutting down", CancellationToken.None).ConfigureAwait(false);
        await connection.DisposeAsync().ConfigureAwait(false);
        return outcome;
    }

    /// <summary>
    /// Asks the server for each remote forward. A refusal is logged and the others go on, as ssh does without
    /// ExitOnForwardFailure. Only the server-side port is logged: the local target is a destination.
    /// </summary>
    private async Task RegisterRemoteForwardsAsync(SshConnection connection, ClientForwarding forwarding, CancellationToken stop)
    {
        foreach (var f in remoteForwards)
        {
            try
            {
                ushort bound = await connection.RequestTcpIpForwardAsync(f.BindAddress, f.Port, stop).ConfigureAwait(false);
                forwarding.Add(new RemoteForwardBinding(f.BindAddress, bound, f.LocalTarget));
                if (logger.IsEnabled(LogLevel.Information))
                    logger.LogInformation("remote forward listening on the server, port {Port}", bound);
            }
            catch (SshRequestFailedException)
            {
                if (logger.IsEnabled(LogLevel.Warning))
                    logger.LogWarning("remote forward refused by the server for listen port {Port}", f.Port);
            }
            catch (Exception e) when (e is SshDisconnectedException or OperationCanceledException or SshProtocolException)
            {
                return; // the session is going away; the read loop reports why
            }
        }
    }

    private static bool IsPermanent(Exception e) => e switch
    {
        SshProtocolException p => p.Reason is SshDisconnectReason.HostKeyNotVerifiable or SshDisconnectReason.NoMoreAuthMethodsAvailable,
        SshDisconnectedException d => d.Reason is SshDisconnectReason.NoMoreAuthMethodsAvailable or SshDisconnectReason.HostKeyNotVerifiable,
        _ => false,
    };

    internal static string Describe(Exception e) => e switch
    {
        SshDisconnectedException d => d.Message,
        SshProtocolException p => SshDisconnectedException.DescribeReason(p.Reason) + ": " + p.Message,
        System.Net.Sockets.SocketException s => s.SocketErrorCode.ToString(),
        DialException d => Alknet.Engine.Socks5.Socks5ReplyCodeText.Describe(d.Reply),
        TimeoutException or OperationCanceledException => "timed out",
        _ => e.GetType().Name,
    };

    private static async Task<bool> DelayAsync(TimeSpan delay, CancellationToken stop)
    {
        try
        {
            await Task.Delay(delay, stop).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}

/// <summary>An authenticated session and the byte stream under it, which is closed when the session ends.</summary>
internal sealed record TunnelSession(SshSession Session, IAsyncDisposable Transport);
