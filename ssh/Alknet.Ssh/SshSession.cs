using Alknet.Ssh.Keys;
using Alknet.Ssh.Messages;
using Alknet.Ssh.Transport;

namespace Alknet.Ssh;

/// <summary>
/// An established, authenticated SSH session (either role). Produced by <see cref="SshServer.AcceptAsync"/> and
/// <see cref="SshClient.ConnectAsync(System.IO.Pipelines.IDuplexPipe, SshClientOptions, CancellationToken)"/>.
/// </summary>
public sealed class SshSession : ISshPacketChannel, IAsyncDisposable
{
    private readonly SshTransport _transport;

    internal SshSession(SshTransport transport, string user, SshPublicKey userKey, ForwardingPermissions permissions)
    {
        _transport = transport;
        User = user;
        UserKey = userKey;
        Permissions = permissions;
    }

    public bool IsServer => _transport.IsServer;

    /// <summary>For the channel data path, which writes under the transport's lock from its own loops.</summary>
    internal SshTransport Transport => _transport;
    public string LocalVersion => _transport.LocalVersion;
    public string RemoteVersion => _transport.RemoteVersion;
    public NegotiatedAlgorithms Algorithms => _transport.Algorithms!;
    public SshPublicKey HostKey => _transport.HostKey!;
    public ReadOnlyMemory<byte> SessionId => _transport.SessionId;
    public bool StrictKex => _transport.StrictKex;
    public int KeyExchangeCount => _transport.KeyExchangeCount;
    public string User { get; }

    /// <summary>The sequence number of the packet most recently returned by <see cref="ReadAsync"/>.</summary>
    internal uint LastReceivedSequenceNumber => _transport.LastReceivedSequenceNumber;

    /// <summary>The user key (or certificate) that authenticated.</summary>
    public SshPublicKey UserKey { get; }

    /// <summary>Server side: the forwarding rights of the authenticated key. Client side: unrestricted.</summary>
    public ForwardingPermissions Permissions { get; }

    /// <remarks>Pooled builder: the read loop calls this once per packet (see SshTransport.ReadPacketAsync).</remarks>
    [System.Runtime.CompilerServices.AsyncMethodBuilder(typeof(System.Runtime.CompilerServices.PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<SshPacket> ReadAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            return new SshPacket(await _transport.ReadMessageAsync(cancellationToken).ConfigureAwait(false));
        }
        catch (SshProtocolException e)
        {
            await _transport.DisconnectAsync(e.Reason, e.Message, CancellationToken.None).ConfigureAwait(false);
            throw;
        }
    }

    public ValueTask WriteAsync<T>(T message, CancellationToken cancellationToken = default) where T : ISshMessage =>
        _transport.WriteMessageAsync(message, cancellationToken);

    /// <summary>For replies written by the read loop itself: never waits for a key exchange to finish.</summary>
    internal ValueTask ReplyAsync<T>(T message, CancellationToken cancellationToken) where T : ISshMessage =>
        _transport.WriteMessageAsync(message, cancellationToken, waitWhenQueueFull: false);

    /// <summary>
    /// For the small fixed-size messages of the channel data path (WINDOW_ADJUST, EOF, CLOSE): reserves only
    /// <see cref="SmallMessageCapacity"/> bytes, so the packet shares the output's current block.
    /// </summary>
    internal ValueTask WriteSmallAsync<T>(T message, CancellationToken cancellationToken = default) where T : ISshMessage =>
        _transport.WriteMessageAsync(message, cancellationToken, payloadCapacity: SmallMessageCapacity);

    /// <summary>Room for any message of at most a few integers (CHANNEL_WINDOW_ADJUST is 9 bytes).</summary>
    internal const int SmallMessageCapacity = 64;

    public ValueTask RequestKeyExchangeAsync(CancellationToken cancellationToken = default) =>
        _transport.StartKeyExchangeAsync(cancellationToken);

    public ValueTask DisconnectAsync(SshDisconnectReason reason, string description, CancellationToken cancellationToken = default) =>
        _transport.DisconnectAsync(reason, description, cancellationToken);

    public ValueTask DisposeAsync() => _transport.DisposeAsync();
}
