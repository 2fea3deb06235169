using Alknet.Engine.Socks5;
using Alknet.Ssh.Messages;

namespace Alknet.Ssh.Connection;

/// <summary>
/// Carries a dial failure across the tunnel. RFC 4254 has one "connect failed" reason for every network error, so
/// the server puts the error in the description with the words OpenSSH's sshd uses (strerror), and the client maps
/// those words back to the SOCKS5 reply code. That works the same with Alknet and with OpenSSH on the far side.
/// </summary>
public static class ChannelOpenFailureMapping
{
    /// <summary>Server side: a failed dial as an open-failure reason and description (never the destination).</summary>
    public static (ChannelOpenFailureReason Reason, string Description) FromDial(Socks5ReplyCode reply) => reply switch
    {
        Socks5ReplyCode.ConnectionNotAllowed => (ChannelOpenFailureReason.AdministrativelyProhibited, "Connection not allowed by ruleset"),
        Socks5ReplyCode.ConnectionRefused => (ChannelOpenFailureReason.ConnectFailed, "Connection refused"),
        Socks5ReplyCode.NetworkUnreachable => (ChannelOpenFailureReason.ConnectFailed, "Network is unreachable"),
        Socks5ReplyCode.HostUnreachable => (ChannelOpenFailureReason.ConnectFailed, "No route to host"),
        Socks5ReplyCode.TtlExpired => (ChannelOpenFailureReason.ConnectFailed, "Connection timed out"),
        _ => (ChannelOpenFailureReason.ConnectFailed, "General failure"),
    };

    /// <summary>Client side: the SOCKS5 reply that tells the application why the far side could not connect.</summary>
    public static Socks5ReplyCode ToReply(ChannelOpenFailureReason reason, string description)
    {
        if (reason == ChannelOpenFailureReason.AdministrativelyProhibited) return Socks5ReplyCode.ConnectionNotAllowed;
        if (reason != ChannelOpenFailureReason.ConnectFailed) return Socks5ReplyCode.GeneralFailure;
        if (Has(description, "refused")) return Socks5ReplyCode.ConnectionRefused;
        if (Has(description, "network is unreachable") || Has(description, "network unreachable")) return Socks5ReplyCode.NetworkUnreachable;
        if (Has(description, "timed out") || Has(description, "timeout")) return Socks5ReplyCode.TtlExpired;
        // sshd reports a failed name lookup as "Name or service not known" (getaddrinfo) or "unknown host".
        if (Has(description, "no route") || Has(description, "host unreachable") || Has(description, "not known")
            || Has(description, "unknown host") || Has(description, "name resolution")) return Socks5ReplyCode.HostUnreachable;
        if (Has(description, "not allowed") || Has(description, "prohibited")) return Socks5ReplyCode.ConnectionNotAllowed;
        return Socks5ReplyCode.GeneralFailure;
    }

    private static bool Has(string text, string words) => text.Contains(words, StringComparison.OrdinalIgnoreCase);
}
