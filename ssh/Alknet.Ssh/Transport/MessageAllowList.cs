using Alknet.Ssh.Messages;

namespace Alknet.Ssh.Transport;

/// <summary>The phase a session is in, as far as which incoming messages are legal.</summary>
public enum SshSessionPhase
{
    /// <summary>Before the first NEWKEYS: only key exchange messages.</summary>
    KeyExchange,

    /// <summary>After the first NEWKEYS, before USERAUTH_SUCCESS: service and user authentication messages.</summary>
    Authentication,

    /// <summary>After USERAUTH_SUCCESS: the connection protocol.</summary>
    Authenticated,
}

/// <summary>What the transport does with a non-transport message in a phase.</summary>
internal enum MessageVerdict
{
    Deliver,
    Ignore,
    Unimplemented,
    ProtocolError,
}

/// <summary>
/// The per-phase allow-list for messages the transport hands upwards (transport-generic and key exchange messages are
/// handled inside the transport). Nothing of the connection protocol (80–127) is accepted before authentication
/// succeeded (the Erlang/OTP CVE-2025-32433 class of bug).
/// </summary>
internal static class MessageAllowList
{
    public static MessageVerdict Check(SshSessionPhase phase, bool isServer, byte number)
    {
        if (number >= 128) return MessageVerdict.Unimplemented; // local extensions we do not speak
        if (phase == SshSessionPhase.KeyExchange) return MessageVerdict.ProtocolError;

        if (number is SshMessageNumbers.ServiceRequest or SshMessageNumbers.ServiceAccept)
        {
            bool expected = isServer ? number == SshMessageNumbers.ServiceRequest : number == SshMessageNumbers.ServiceAccept;
            return phase == SshSessionPhase.Authentication && expected ? MessageVerdict.Deliver : MessageVerdict.ProtocolError;
        }

        if (SshMessageNumbers.IsTransportLayer(number)) return MessageVerdict.Unimplemented; // 8–19 unassigned

        if (SshMessageNumbers.IsAuthLayer(number))
        {
            if (phase == SshSessionPhase.Authenticated)
                // RFC 4252 §5.1: requests after success are ignored by a server; anything else is out of order.
                return isServer && number == SshMessageNumbers.UserAuthRequest ? MessageVerdict.Ignore : MessageVerdict.ProtocolError;
            if (isServer) return number == SshMessageNumbers.UserAuthRequest ? MessageVerdict.Deliver : MessageVerdict.ProtocolError;
            return number is SshMessageNumbers.UserAuthFailure or SshMessageNumbers.UserAuthSuccess
                or SshMessageNumbers.UserAuthBanner or SshMessageNumbers.UserAuthPkOk
                ? MessageVerdict.Deliver : MessageVerdict.ProtocolError;
        }

        // Connection protocol 80–127.
        return phase == SshSessionPhase.Authenticated ? MessageVerdict.Deliver : MessageVerdict.ProtocolError;
    }
}
