using Alknet.Ssh.Messages;

namespace Alknet.Ssh.Connection;

/// <summary>A CHANNEL_OPEN from the peer waiting for our answer (RFC 4254 §5.1).</summary>
public sealed class SshChannelOpenRequest
{
    private readonly SshConnection _connection;
    private int _answered;

    internal SshChannelOpenRequest(SshConnection connection, string channelType, uint senderChannel, uint initialWindow, uint maxPacket, TcpIpChannelData endpoints)
    {
        _connection = connection;
        ChannelType = channelType;
        SenderChannel = senderChannel;
        InitialWindowSize = initialWindow;
        MaximumPacketSize = maxPacket;
        Endpoints = endpoints;
    }

    /// <summary>"direct-tcpip" or "forwarded-tcpip".</summary>
    public string ChannelType { get; }

    /// <summary>The host and port to connect (direct-tcpip) or that were connected (forwarded-tcpip), and the originator. A destination: never log it.</summary>
    public TcpIpChannelData Endpoints { get; }

    public SshConnection Connection => _connection;

    internal uint SenderChannel { get; }
    internal uint InitialWindowSize { get; }
    internal uint MaximumPacketSize { get; }

    /// <summary>Confirms the channel and returns it, ready to carry data.</summary>
    public ValueTask<SshChannel> AcceptAsync(CancellationToken cancellationToken = default)
    {
        Answer();
        return _connection.AcceptChannelAsync(this, cancellationToken);
    }

    /// <summary>Refuses the channel with a reason and a description for the peer (never a destination in it).</summary>
    public ValueTask RejectAsync(ChannelOpenFailureReason reason, string description, CancellationToken cancellationToken = default)
    {
        Answer();
        return _connection.RejectChannelAsync(this, reason, description, cancellationToken);
    }

    private void Answer()
    {
        if (Interlocked.Exchange(ref _answered, 1) != 0) throw new InvalidOperationException("channel open already answered");
    }
}
