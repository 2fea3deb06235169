using Alknet.Ssh.Messages;
using Alknet.Ssh.Transport;
using Alknet.Ssh.Wire;
using Microsoft.Extensions.Logging;

namespace Alknet.Ssh.Connection;

/// <summary>
/// The RFC 4254 connection protocol over one authenticated session, shared by client and server (like Go's mux.go):
/// the channel table, channel opens in both directions, global requests with in-order replies, and keepalives.
/// <see cref="RunAsync"/> is the session's single read loop; it hands channel data to channels without ever waiting
/// for one, so a slow consumer on one channel never stalls another.
/// </summary>
public sealed class SshConnection : IAsyncDisposable
{
    private readonly SshSession _session;
    private readonly SshConnectionOptions _options;
    private readonly ISshConnectionHandler? _handler;
    private readonly Dictionary<uint, SshChannel> _channels = [];
    private readonly Queue<TaskCompletionSource<GlobalRequestReply>> _globalReplies = new();
    private readonly SemaphoreSlim _globalRequestOrder = new(1, 1);
    private readonly CancellationTokenSource _stop = new();
    private readonly ILogger? _log;
    private readonly uint _windowSize;
    private uint _nextId;
    private int _pendingInbound;
    private bool _noMoreSessions;
    private Exception? _ended;
    private long _lastReceivedTicks = Environment.TickCount64;

    public SshConnection(SshSession session, SshConnectionOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(session);
        _session = session;
        _options = options ?? new SshConnectionOptions();
        _handler = _options.Handler;
        _log = _options.Logger;
        _windowSize = IsAlknetPeer(session.RemoteVersion) ? _options.AlknetPeerWindowSize : _options.InitialWindowSize;
    }

    public SshSession Session => _session;

    /// <summary>The receive window this connection advertises per channel (2 MiB to OpenSSH, more to Alknet).</summary>
    public uint WindowSize => _windowSize;

    /// <summary>Channels open or opening, both directions.</summary>
    public int ChannelCount
    {
        get { lock (_channels) return _channels.Count + _pendingInbound; }
    }

    /// <summary>Set once the session has ended; channel operations then fail with it.</summary>
    public bool IsEnded => Volatile.Read(ref _ended) is not null;

    private static bool IsAlknetPeer(string remoteVersion) => remoteVersion.StartsWith("SSH-2.0-Alknet", StringComparison.Ordinal);

    /// <summary>
    /// Reads and dispatches until the session ends, then fails every channel and pending request. Ends with the
    /// exception that ended the session (<see cref="SshDisconnectedException"/>, <see cref="SshProtocolException"/>).
    /// </summary>
    public async Task RunAsync(CancellationToken cancellationToken = default)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _stop.Token);
        var keepalive = _options.KeepaliveInterval > TimeSpan.Zero ? KeepaliveAsync(linked.Token) : Task.CompletedTask;
        Exception? ended = null;
        try
        {
            while (true)
            {
                var packet = await _session.ReadAsync(linked.Token).ConfigureAwait(false);
                Volatile.Write(ref _lastReceivedTicks, Environment.TickCount64);
                await DispatchAsync(packet, linked.Token).ConfigureAwait(false);
            }
        }
        catch (SshProtocolException e)
        {
            await _session.DisconnectAsync(e.Reason, e.Message, CancellationToken.None).ConfigureAwait(false);
            ended = e;
            throw;
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            ended = new SshDisconnectedException(SshDisconnectReason.ConnectionLost, "no answer to keepalives", byPeer: false);
            throw ended;
        }
        catch (Exception e)
        {
            ended = e;
            throw;
        }
        finally
        {
            End(ended ?? new SshDisconnectedException(SshDisconnectReason.ConnectionLost, "session ended", byPeer: false));
            await linked.CancelAsync().ConfigureAwait(false);
            await keepalive.ConfigureAwait(false);
        }
    }

    private ValueTask DispatchAsync(SshPacket packet, CancellationToken ct)
    {
        var payload = packet.Payload.Span;
        var r = new SshReader(payload);
        switch (packet.MessageNumber)
        {
            case SshMessageNumbers.ChannelData:
                {
                    ChannelData.TryRead(ref r, out uint id, out var data);
                    Lookup(id, "data").OnData(data);
                    return default;
                }
            case SshMessageNumbers.ChannelWindowAdjust:
                {
                    ChannelWindowAdjust.TryRead(ref r, out var m);
                    Lookup(m.RecipientChannel, "window adjust").OnWindowAdjust(m.BytesToAdd);
                    return default;
                }
            case SshMessageNumbers.ChannelExtendedData:
                {
                    ChannelExtendedData.TryRead(ref r, out uint id, out _, out var data);
                    Lookup(id, "extended data").OnExtendedData(data.Length);
                    return default;
                }
            case SshMessageNumbers.ChannelEof:
                {
                    ChannelEof.TryRead(ref r, out var m);
                    Lookup(m.RecipientChannel, "EOF").OnEof();
                    return default;
                }
            case SshMessageNumbers.ChannelClose:
                {
                    ChannelClose.TryRead(ref r, out var m);
                    Lookup(m.RecipientChannel, "CLOSE").OnClose();
                    return default;
                }
            case SshMessageNumbers.ChannelRequest:
                {
                    ChannelRequest.TryRead(ref r, out var m);
                    var channel = Lookup(m.RecipientChannel, "request");
                    // TCP/IP channels take no requests; keepalive@openssh.com from sshd lands here and gets FAILURE,
                    // as every request that wants a reply and is not understood must (RFC 4254 §5.4).
                    return m.WantReply ? ReplyChannelFailureAsync(channel, ct) : default;
                }
            case SshMessageNumbers.ChannelSuccess or SshMessageNumbers.ChannelFailure:
                SshProtocolException.Throw(SshDisconnectReason.ProtocolError, "reply to a channel request that was never sent");
                return default;
            case SshMessageNumbers.ChannelOpenConfirmation:
                {
                    ChannelOpenConfirmation.TryRead(ref r, out var m);
                    OnOpenConfirmation(m);
                    return default;
                }
            case SshMessageNumbers.ChannelOpenFailure:
                {
                    ChannelOpenFailure.TryRead(ref r, out var m);
                    OnOpenFailure(m);
                    return default;
                }
            case SshMessageNumbers.ChannelOpen:
                {
                    ChannelOpen.TryRead(ref r, out var m);
                    return OnChannelOpenAsync(m, ct);
                }
            case SshMessageNumbers.GlobalRequest:
                {
                    GlobalRequest.TryRead(ref r, out var m);
                    return OnGlobalRequestAsync(m, ct);
                }
            case SshMessageNumbers.RequestSuccess or SshMessageNumbers.RequestFailure:
                OnGlobalReply(packet);
                return default;
            default:
                return _session.ReplyAsync(new Unimplemented(_session.LastReceivedSequenceNumber), ct);
        }
    }

    private SshChannel Lookup(uint id, string what)
    {
        SshChannel? channel;
        lock (_channels) _channels.TryGetValue(id, out channel);
        if (channel is null || !channel.Opened.IsCompletedSuccessfully)
            SshProtocolException.Throw(SshDisconnectReason.ProtocolError, "channel " + what + " for channel " + id + ", which is not open");
        return channel;
    }

    private async ValueTask ReplyChannelFailureAsync(SshChannel channel, CancellationToken ct)
    {
        if (!channel.IsCloseSent) await _session.ReplyAsync(new ChannelFailure(channel.RemoteId), ct).ConfigureAwait(false);
    }

    // ---- Channels we open -------------------------------------------------------------------------------------

    /// <summary>
    /// Opens a "direct-tcpip" channel (RFC 4254 §7.2): the peer connects to <paramref name="host"/>:<paramref name="port"/>,
    /// which travels unresolved. Throws <see cref="ChannelOpenException"/> when the peer refuses.
    /// </summary>
    public Task<SshChannel> OpenDirectTcpIpAsync(string host, ushort port, string originatorAddress, ushort originatorPort, CancellationToken cancellationToken = default) =>
        OpenAsync(TcpIpChannelData.DirectTcpIp, new TcpIpChannelData(host, port, originatorAddress, originatorPort), cancellationToken);

    /// <summary>
    /// Opens a "forwarded-tcpip" channel (RFC 4254 §7.1) for a connection accepted on a remote forward:
    /// <paramref name="boundAddress"/> exactly as the peer requested it, and the real bound port.
    /// </summary>
    public Task<SshChannel> OpenForwardedTcpIpAsync(string boundAddress, ushort boundPort, string originatorAddress, ushort originatorPort, CancellationToken cancellationToken = default) =>
        OpenAsync(TcpIpChannelData.ForwardedTcpIp, new TcpIpChannelData(boundAddress, boundPort, originatorAddress, originatorPort), cancellationToken);

    private async Task<SshChannel> OpenAsync(string type, TcpIpChannelData endpoints, CancellationToken ct)
    {
        SshChannel channel;
        lock (_channels)
        {
            ThrowIfEnded();
            if (_options.MaxChannels > 0 && _channels.Count + _pendingInbound >= _options.MaxChannels)
                throw new ChannelOpenException(ChannelOpenFailureReason.ResourceShortage, "too many channels on this session");
            channel = new SshChannel(this, type, AllocateIdLocked(), _windowSize, _options.MaxPacketSize);
            _channels.Add(channel.LocalId, channel);
        }
        try
        {
            await _session.WriteAsync(new ChannelOpen(type, channel.LocalId, _windowSize, _options.MaxPacketSize, endpoints.ToBytes()), ct).ConfigureAwait(false);
            await channel.Opened.WaitAsync(ct).ConfigureAwait(false);
            return channel;
        }
        catch (OperationCanceledException)
        {
            // The answer may still come: a late confirmation is closed at once (the channel is disposed here, so the
            // pump sends CLOSE as soon as it starts); a late failure just removes it.
            _ = channel.Opened.ContinueWith(static (t, c) => ((SshChannel)c!).DisposeAsync(), channel, CancellationToken.None,
                TaskContinuationOptions.OnlyOnRanToCompletion | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            throw;
        }
    }

    private uint AllocateIdLocked()
    {
        while (_channels.ContainsKey(_nextId)) _nextId++;
        return _nextId++;
    }

    private void OnOpenConfirmation(ChannelOpenConfirmation m)
    {
        SshChannel? channel;
        lock (_channels) _channels.TryGetValue(m.RecipientChannel, out channel);
        if (channel is null || channel.Opened.IsCompleted)
            SshProtocolException.Throw(SshDisconnectReason.ProtocolError, "open confirmation for channel " + m.RecipientChannel + ", which was not being opened");
        channel.Open(m.SenderChannel, m.InitialWindowSize, m.MaximumPacketSize);
    }

    private void OnOpenFailure(ChannelOpenFailure m)
    {
        SshChannel? channel;
        lock (_channels)
        {
            _channels.TryGetValue(m.RecipientChannel, out channel);
            if (channel is not null && !channel.Opened.IsCompleted) _channels.Remove(m.RecipientChannel);
        }
        if (channel is null || channel.Opened.IsCompleted)
            SshProtocolException.Throw(SshDisconnectReason.ProtocolError, "open failure for channel " + m.RecipientChannel + ", which was not being opened");
        channel.FailOpen(new ChannelOpenException(m.Reason, Printable(m.Description)));
    }

    internal void Free(SshChannel channel)
    {
        lock (_channels)
        {
            if (_channels.TryGetValue(channel.LocalId, out var c) && ReferenceEquals(c, channel)) _channels.Remove(channel.LocalId);
        }
    }

    // ---- Channels the peer opens ------------------------------------------------------------------------------

    private async ValueTask OnChannelOpenAsync(ChannelOpen m, CancellationToken ct)
    {
        if (m.ChannelType == "session")
        {
            // OpenSSH's sshd treats a session after no-more-sessions@openssh.com as an attack and disconnects.
            if (_noMoreSessions) SshProtocolException.Throw(SshDisconnectReason.ProtocolError, "session channel after no-more-sessions");
            await _session.ReplyAsync(new ChannelOpenFailure(m.SenderChannel, ChannelOpenFailureReason.AdministrativelyProhibited,
                "no shell or command here: this server carries tunnels only (use ssh -N)"), ct).ConfigureAwait(false);
            return;
        }
        if (m.ChannelType is not (TcpIpChannelData.DirectTcpIp or TcpIpChannelData.ForwardedTcpIp))
        {
            await _session.ReplyAsync(new ChannelOpenFailure(m.SenderChannel, ChannelOpenFailureReason.UnknownChannelType,
                "unknown channel type"), ct).ConfigureAwait(false);
            return;
        }
        var endpoints = TcpIpChannelData.Read(m.TypeSpecificData.Span);
        bool full;
        lock (_channels)
        {
            full = _options.MaxChannels > 0 && _channels.Count + _pendingInbound >= _options.MaxChannels;
            if (!full && _handler is not null) _pendingInbound++;
        }
        if (full)
        {
            await _session.ReplyAsync(new ChannelOpenFailure(m.SenderChannel, ChannelOpenFailureReason.ResourceShortage,
                "too many channels on this session"), ct).ConfigureAwait(false);
            return;
        }
        if (_handler is null)
        {
            await _session.ReplyAsync(new ChannelOpenFailure(m.SenderChannel, ChannelOpenFailureReason.AdministrativelyProhibited,
                "forwarding is not enabled"), ct).ConfigureAwait(false);
            return;
        }
        var request = new SshChannelOpenRequest(this, m.ChannelType, m.SenderChannel, m.InitialWindowSize, m.MaximumPacketSize, endpoints);
        try
        {
            _handler.OnChannelOpen(request);
        }
        catch (Exception e) when (e is not SshProtocolException)
        {
            if (_log is not null && _log.IsEnabled(LogLevel.Warning)) _log.LogWarning("channel open handler failed: {Error}", e.GetType().Name);
            lock (_channels) _pendingInbound--;
            throw;
        }
    }

    internal async ValueTask<SshChannel> AcceptChannelAsync(SshChannelOpenRequest request, CancellationToken ct)
    {
        SshChannel channel;
        lock (_channels)
        {
            _pendingInbound--;
            ThrowIfEnded();
            channel = new SshChannel(this, request.ChannelType, AllocateIdLocked(), _windowSize, _options.MaxPacketSize);
            _channels.Add(channel.LocalId, channel);
        }
        // Open before the confirmation goes out: the peer may send data the moment it reads the confirmation, and
        // the read loop can dispatch that data before this method resumes after the write. Opening afterwards let
        // such data meet a channel that was not open yet, a protocol error that ended the session (seen under
        // connection churn through the tunnel). Nothing is sent on the channel before the application has it.
        channel.Open(request.SenderChannel, request.InitialWindowSize, request.MaximumPacketSize);
        try
        {
            await _session.WriteAsync(new ChannelOpenConfirmation(request.SenderChannel, channel.LocalId, _windowSize, _options.MaxPacketSize), ct).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            channel.OnSessionEnded(e); // stops its send pump and adjust loop; nothing was confirmed
            Free(channel);
            throw;
        }
        return channel;
    }

    internal async ValueTask RejectChannelAsync(SshChannelOpenRequest request, ChannelOpenFailureReason reason, string description, CancellationToken ct)
    {
        lock (_channels) _pendingInbound--;
        if (IsEnded) return;
        await _session.WriteAsync(new ChannelOpenFailure(request.SenderChannel, reason, description), ct).ConfigureAwait(false);
    }

    // ---- Global requests --------------------------------------------------------------------------------------

    private async ValueTask OnGlobalRequestAsync(GlobalRequest m, CancellationToken ct)
    {
        GlobalRequestReply reply;
        switch (m.RequestName)
        {
            case "no-more-sessions@openssh.com":
                _noMoreSessions = true;
                reply = GlobalRequestReply.Failure;
                break;
            case "keepalive@openssh.com":
            case "hostkeys-00@openssh.com":
            case "hostkeys-prove-00@openssh.com":
                reply = GlobalRequestReply.Failure;
                break;
            default:
                reply = _handler is null ? GlobalRequestReply.Failure
                    : await _handler.OnGlobalRequestAsync(this, m.RequestName, m.Data, ct).ConfigureAwait(false);
                break;
        }
        if (!m.WantReply) return;
        if (reply.Success) await _session.ReplyAsync(new RequestSuccess(reply.Data), ct).ConfigureAwait(false);
        else await _session.ReplyAsync(new RequestFailure(), ct).ConfigureAwait(false);
    }

    /// <summary>
    /// Sends a global request that wants a reply and waits for it. Replies come in request order (RFC 4254 §4), so
    /// requests are queued in the order they are written.
    /// </summary>
    public async Task<GlobalRequestReply> SendGlobalRequestAsync(string name, ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default)
    {
        var reply = new TaskCompletionSource<GlobalRequestReply>(TaskCreationOptions.RunContinuationsAsynchronously);
        await _globalRequestOrder.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            lock (_globalReplies)
            {
                ThrowIfEnded();
                _globalReplies.Enqueue(reply);
            }
            await _session.WriteAsync(new GlobalRequest(name, true, data), cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _globalRequestOrder.Release();
        }
        return await reply.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Asks the peer to listen on <paramref name="bindAddress"/>:<paramref name="port"/> and forward connections back
    /// ("tcpip-forward", RFC 4254 §7.1). Returns the bound port (the chosen one when <paramref name="port"/> is 0).
    /// </summary>
    public async Task<ushort> RequestTcpIpForwardAsync(string bindAddress, ushort port, CancellationToken cancellationToken = default)
    {
        var reply = await SendGlobalRequestAsync(TcpIpForwardRequestData.TcpIpForward, new TcpIpForwardRequestData(bindAddress, port).ToBytes(), cancellationToken).ConfigureAwait(false);
        if (!reply.Success) throw new SshRequestFailedException("the server refused to listen for a remote forward");
        if (port != 0) return port;
        if (reply.Data.Length < 4) throw new SshProtocolException(SshDisconnectReason.ProtocolError, "tcpip-forward reply without the bound port");
        uint bound = System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(reply.Data.Span);
        if (bound is 0 or > ushort.MaxValue) throw new SshProtocolException(SshDisconnectReason.ProtocolError, "tcpip-forward reply with an invalid port");
        return (ushort)bound;
    }

    /// <summary>Cancels a remote forward ("cancel-tcpip-forward"). Returns whether the peer agreed.</summary>
    public async Task<bool> CancelTcpIpForwardAsync(string bindAddress, ushort port, CancellationToken cancellationToken = default) =>
        (await SendGlobalRequestAsync(TcpIpForwardRequestData.CancelTcpIpForward, new TcpIpForwardRequestData(bindAddress, port).ToBytes(), cancellationToken).ConfigureAwait(false)).Success;

    private void OnGlobalReply(SshPacket packet)
    {
        TaskCompletionSource<GlobalRequestReply>? pending;
        lock (_globalReplies) _globalReplies.TryDequeue(out pending);
        if (pending is null) SshProtocolException.Throw(SshDisconnectReason.ProtocolError, "reply to a global request that was never sent");
        var r = new SshReader(packet.Payload.Span);
        if (packet.MessageNumber == SshMessageNumbers.RequestSuccess)
        {
            RequestSuccess.TryRead(ref r, out var m);
            pending.TrySetResult(GlobalRequestReply.Ok(m.Data));
        }
        else
        {
            RequestFailure.TryRead(ref r, out _);
            pending.TrySetResult(GlobalRequestReply.Failure);
        }
    }

    // ---- Keepalive --------------------------------------------------------------------------------------------

    /// <summary>
    /// OpenSSH's ServerAliveInterval/ClientAliveInterval: when nothing was received for an interval, ask the peer
    /// something it must answer (any reply, FAILURE included, proves it alive); after
    /// <see cref="SshConnectionOptions.KeepaliveCountMax"/> silent intervals the session is declared dead.
    /// </summary>
    private async Task KeepaliveAsync(CancellationToken ct)
    {
        long interval = (long)_options.KeepaliveInterval.TotalMilliseconds;
        long lastSent = 0;
        int unanswered = 0;
        using var timer = new PeriodicTimer(_options.KeepaliveInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(ct).ConfigureAwait(false))
            {
                long last = Volatile.Read(ref _lastReceivedTicks);
                // Anything received since the last keepalive answers it; counting from "idle for an interval" alone
                // would miscount when the reply lands a hair less than an interval before the next tick.
                if (lastSent != 0 && last >= lastSent) unanswered = 0;
                if (Environment.TickCount64 - last < interval) continue;
                if (lastSent != 0 && last < lastSent) unanswered++;
                if (unanswered >= _options.KeepaliveCountMax)
                {
                    if (_log is not null && _log.IsEnabled(LogLevel.Information))
                        _log.LogInformation("peer did not answer {Count} keepalives; closing the session", _options.KeepaliveCountMax);
                    await _session.DisconnectAsync(SshDisconnectReason.ConnectionLost, "keepalive timeout", CancellationToken.None).ConfigureAwait(false);
                    await _stop.CancelAsync().ConfigureAwait(false);
                    return;
                }
                lastSent = Environment.TickCount64;
                _ = SendGlobalRequestAsync("keepalive@openssh.com", default, ct).ContinueWith(static t => _ = t.Exception, CancellationToken.None,
                    TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            }
        }
        catch (OperationCanceledException)
        {
            // Session over.
        }
        catch (Exception e) when (e is SshDisconnectedException or ObjectDisposedException or InvalidOperationException or IOException)
        {
            // Session over.
        }
    }

    // ---- Ending -----------------------------------------------------------------------------------------------

    private void End(Exception error)
    {
        List<SshChannel> channels;
        lock (_channels)
        {
            if (_ended is not null) return;
            Volatile.Write(ref _ended, error);
            channels = [.. _channels.Values];
            _channels.Clear();
        }
        foreach (var c in channels) c.OnSessionEnded(error);
        List<TaskCompletionSource<GlobalRequestReply>> replies;
        lock (_globalReplies)
        {
            replies = [.. _globalReplies];
            _globalReplies.Clear();
        }
        foreach (var r in replies) r.TrySetException(error);
    }

    private void ThrowIfEnded()
    {
        if (_ended is { } e) throw new SshDisconnectedException(SshDisconnectReason.ConnectionLost, "session ended: " + e.Message, byPeer: false);
    }

    /// <summary>Sends DISCONNECT; the read loop then ends and every channel fails.</summary>
    public ValueTask DisconnectAsync(SshDisconnectReason reason, string description, CancellationToken cancellationToken = default) =>
        _session.DisconnectAsync(reason, description, cancellationToken);

    public async ValueTask DisposeAsync()
    {
        End(new SshDisconnectedException(SshDisconnectReason.ByApplication, "connection disposed", byPeer: false));
        await _session.DisposeAsync().ConfigureAwait(false);
    }

    private static string Printable(string s) => SshTransport.Printable(s);
}

/// <summary>The peer answered a global request with REQUEST_FAILURE.</summary>
public sealed class SshRequestFailedException(string message) : Exception(message);
