using Alknet.Engine.Socks5;

namespace Alknet.Engine.Dialing;

/// <summary>
/// A dial that failed, with the SOCKS5 reply code that tells the client why.
/// Other front ends map the code to their own vocabulary (an SSH channel-open failure reason, for one).
/// </summary>
/// <remarks>The message never names the destination, so it is safe to log.</remarks>
public sealed class DialException : Exception
{
    public DialException(Socks5ReplyCode reply, string message, Exception? inner = null)
        : base(message, inner) => Reply = reply;

    public Socks5ReplyCode Reply { get; }
}
