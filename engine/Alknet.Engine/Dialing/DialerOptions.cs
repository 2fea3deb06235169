using System.Buffers;
using System.Net;
using Alknet.Engine.Transport;

namespace Alknet.Engine.Dialing;

/// <summary>Settings shared by the direct, SOCKS5 and HTTP CONNECT dialers.</summary>
public sealed class DialerOptions
{
    /// <summary>Covers name resolution and every TCP connection attempt; exceeding it is reply X'06'.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>RFC 8305 §5 "Connection Attempt Delay": how long one attempt runs alone before the next starts.</summary>
    public TimeSpan ConnectionAttemptDelay { get; init; } = TimeSpan.FromMilliseconds(250);

    /// <summary>How long an upstream proxy may take to answer its handshake; exceeding it is reply X'06'.</summary>
    public TimeSpan HandshakeTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Resolver override (tests, or a deployment with its own name service). Null uses
    /// <see cref="Dns.GetHostAddressesAsync(string, CancellationToken)"/>.
    /// </summary>
    public Func<string, CancellationToken, Task<IPAddress[]>>? Resolver { get; init; }

    /// <summary>
    /// Buffer pool for the connections this dialer returns; null is <see cref="Buffers.PinnedBlockMemoryPool.Shared"/>.
    /// A long-lived bulk connection (an SSH session's own socket) uses larger blocks than a relayed one.
    /// </summary>
    public MemoryPool<byte>? Pool { get; init; }

    /// <summary>Tuning for the connections this dialer returns; null is <see cref="SocketConnectionOptions.Default"/>.</summary>
    public SocketConnectionOptions? Connection { get; init; }

    internal static DialerOptions Default { get; } = new();
}
