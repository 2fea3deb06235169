using Alknet.Ssh.Messages;
using Alknet.Ssh.Wire;

namespace Alknet.Ssh.Connection;

/// <summary>
/// The minimal connection-protocol (RFC 4254) responder used until the channel layer exists: every CHANNEL_OPEN is
/// refused with "administratively prohibited", every GLOBAL_REQUEST that wants a reply gets REQUEST_FAILURE
/// (keepalive@openssh.com included). Channel messages cannot refer to any channel and are protocol errors.
/// </summary>
public static class SshConnectionDispatcher
{
    /// <summary>Runs until the session ends (the exception that ended it propagates).</summary>
    public static async Task RunAsync(SshSession session, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(session);
        while (true)
        {
            var packet = await session.ReadAsync(cancellationToken).ConfigureAwait(false);
            switch (packet.MessageNumber)
            {
                case SshMessageNumbers.GlobalRequest:
                    if (ReadGlobalRequest(packet.Payload.Span).WantReply)
                        await session.ReplyAsync(new RequestFailure(), cancellationToken).ConfigureAwait(false);
                    break;
                case SshMessageNumbers.ChannelOpen:
                    {
                        var open = ReadChannelOpen(packet.Payload.Span);
                        await session.ReplyAsync(new ChannelOpenFailure(open.SenderChannel, ChannelOpenFailureReason.AdministrativelyProhibited,
                            "channels not supported yet"), cancellationToken).ConfigureAwait(false);
                        break;
                    }
                case SshMessageNumbers.RequestSuccess or SshMessageNumbers.RequestFailure:
                    await FailAsync(session, "reply to a global request that was never sent").ConfigureAwait(false);
                    break;
                case >= SshMessageNumbers.ChannelOpenConfirmation and <= SshMessageNumbers.ChannelFailure:
                    await FailAsync(session, "message " + packet.MessageNumber + " for a channel that does not exist").ConfigureAwait(false);
                    break;
                default:
                    await session.ReplyAsync(new Unimplemented(0), cancellationToken).ConfigureAwait(false);
                    break;
            }
        }
    }

    private static async Task FailAsync(SshSession session, string message)
    {
        await session.DisconnectAsync(SshDisconnectReason.ProtocolError, message).ConfigureAwait(false);
        throw new SshProtocolException(SshDisconnectReason.ProtocolError, message);
    }

    private static GlobalRequest ReadGlobalRequest(ReadOnlySpan<byte> payload)
    {
        var r = new SshReader(payload);
        GlobalRequest.TryRead(ref r, out var m);
        return m;
    }

    private static ChannelOpen ReadChannelOpen(ReadOnlySpan<byte> payload)
    {
        var r = new SshReader(payload);
        ChannelOpen.TryRead(ref r, out var m);
        return m;
    }
}
