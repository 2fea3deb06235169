using System.Net.Sockets;
using Alknet.Engine.Socks5;

namespace Alknet.Engine.Dialing;

/// <summary>
/// Maps a failed connect or name lookup to the RFC 1928 §6 reply code the client is told.
/// </summary>
/// <remarks>
/// The kernel's own SYN timeout (ETIMEDOUT) is reported as X'06' like our connect timeout: both mean the
/// destination never answered. Everything not listed is X'01'.
/// </remarks>
internal static class SocketErrorMapping
{
    public static Socks5ReplyCode ToReplyCode(SocketError error) => error switch
    {
        SocketError.ConnectionRefused => Socks5ReplyCode.ConnectionRefused,
        SocketError.HostUnreachable or SocketError.HostDown or SocketError.HostNotFound or SocketError.NoData
            or SocketError.TryAgain => Socks5ReplyCode.HostUnreachable,
        SocketError.NetworkUnreachable or SocketError.NetworkDown => Socks5ReplyCode.NetworkUnreachable,
        SocketError.AccessDenied => Socks5ReplyCode.ConnectionNotAllowed,
        SocketError.TimedOut => Socks5ReplyCode.TtlExpired,
        _ => Socks5ReplyCode.GeneralFailure,
    };

    /// <summary>A log-safe description that names the failure, never the destination.</summary>
    public static string Describe(SocketError error) => error switch
    {
        SocketError.ConnectionRefused => "The connection was refused.",
        SocketError.HostUnreachable or SocketError.HostDown => "The host is unreachable.",
        SocketError.HostNotFound or SocketError.NoData => "The name could not be resolved.",
        SocketError.TryAgain => "Name resolution failed temporarily.",
        SocketError.NetworkUnreachable or SocketError.NetworkDown => "The network is unreachable.",
        SocketError.AccessDenied => "The connection was not permitted.",
        SocketError.TimedOut => "The connection attempt timed out.",
        _ => $"The connection failed ({error}).",
    };
}
