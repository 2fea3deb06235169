using System.Buffers;
using System.Globalization;
using Alknet.Engine.Buffers;
using Alknet.Engine.Transport;

namespace Alknet.Ssh.Transport;

/// <summary>
/// Buffers for the TCP connection an SSH session runs on, which differs from a relayed connection: there is one per
/// session, it lives long, and under load it carries every channel's data at once. It receives into larger blocks,
/// so one receive call and one wake-up of the session's read loop move several maximum-size packets instead of one.
/// </summary>
/// <remarks>
/// An idle session still holds no block (the zero-byte wait before each receive is kept), so the larger block costs
/// memory only while data is actually in flight. See docs/decisions/session-socket.md for the measurements.
/// </remarks>
public static class SshSocketTuning
{
    /// <summary>Default receive block for session sockets: four 32 KiB CHANNEL_DATA packets per receive.</summary>
    public const int DefaultBlockSize = 128 * 1024;

    /// <summary>
    /// The block size in use. <c>ALKNET_SESSION_BLOCK</c> (bytes) overrides it, for measurement only, like
    /// <c>ALKNET_PEER_WINDOW</c>.
    /// </summary>
    public static int BlockSize { get; } = ReadBlockSize();

    /// <summary>The pool session sockets rent from (blocks of <see cref="BlockSize"/> bytes).</summary>
    public static MemoryPool<byte> Pool { get; } = BlockSize == PinnedBlockMemoryPool.DefaultBlockSize
        ? PinnedBlockMemoryPool.Shared
        : new PinnedBlockMemoryPool(BlockSize);

    /// <summary>
    /// At most 1 MiB unread and 1 MiB unsent per session socket, whatever the block size: the same order as the
    /// transport's own write-queue bound, so a stalled peer is felt as TCP backpressure, not as memory growth.
    /// </summary>
    public static SocketConnectionOptions Options { get; } = new()
    {
        MaxReadBufferSize = Math.Max(1024 * 1024, 2 * BlockSize),
        MaxWriteBufferSize = Math.Max(1024 * 1024, 2 * BlockSize),
    };

    private static int ReadBlockSize()
    {
        var text = Environment.GetEnvironmentVariable("ALKNET_SESSION_BLOCK");
        if (text is not null && int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var size)
            && size is >= 4096 and <= 1024 * 1024)
        {
            return size;
        }
        return DefaultBlockSize;
    }
}
