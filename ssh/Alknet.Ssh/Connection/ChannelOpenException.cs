using Alknet.Ssh.Messages;

namespace Alknet.Ssh.Connection;

/// <summary>
/// The peer refused a channel we asked to open (RFC 4254 §5.1 SSH_MSG_CHANNEL_OPEN_FAILURE), or the session ended
/// before it answered. The description is the peer's text; it never names the destination on our side.
/// </summary>
public sealed class ChannelOpenException : Exception
{
    public ChannelOpenException(ChannelOpenFailureReason reason, string description, Exception? inner = null)
        : base("channel open failed: " + Describe(reason) + (description.Length > 0 ? " (" + description + ")" : ""), inner)
    {
        Reason = reason;
        Description = description;
    }

    public ChannelOpenFailureReason Reason { get; }

    public string Description { get; }

    public static string Describe(ChannelOpenFailureReason reason) => reason switch
    {
        ChannelOpenFailureReason.AdministrativelyProhibited => "administratively prohibited",
        ChannelOpenFailureReason.ConnectFailed => "connect failed",
        ChannelOpenFailureReason.UnknownChannelType => "unknown channel type",
        ChannelOpenFailureReason.ResourceShortage => "resource shortage",
        _ => "reason " + (uint)reason,
    };
}
