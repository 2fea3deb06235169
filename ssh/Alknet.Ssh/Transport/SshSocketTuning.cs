using System.Buffers;
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
/// One instance per process and block size: its pool keeps the blocks it hands out.
/// </remarks>
public sealed class SshSocketTuning
{
    /// <summary>Default receive block for session sockets: four 32 KiB CHANNEL_DATA packets per receive.</summary>
    public const int DefaultBlockSize = 128 * 1024;

    /// <summary>The tuning every session socket uses unless a measurement asks for another block size.</summary>
    public static SshSocketTuning Default { get; } = new(DefaultBlockSize);

    /// <param name="blockSize">At least 32 KiB, so that a block-sized CHANNEL_DATA packet always fits one block.</param>
    public SshSocketTuning(int blockSize)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(blockSize, PinnedBlockMemoryPool.DefaultBlockSize);
        BlockSize = blockSize;
        Pool = blockSize == PinnedBlockMemoryPool.DefaultBlockSize ? PinnedBlockMemoryPool.Shared : new PinnedBlockMemoryPool(blockSize);
        // At most 1 MiB unread and 1 MiB unsent per session socket, whatever the block size: the same order as the
        // transport's own write-queue bound, so a stalled peer is felt as TCP backpressure, not as memory growth.
        Options = new SocketConnectionOptions
        {
            MaxReadBufferSize = Math.Max(1024 * 1024, 2 * blockSize),
            MaxWriteBufferSize = Math.Max(1024 * 1024, 2 * blockSize),
        };
    }

    public int BlockSize { get; }

    /// <summary>The pool session sockets rent from (blocks of <see cref="BlockSize"/> bytes).</summary>
    public PinnedBlockMemoryPool Pool { get; }

    public SocketConnectionOptions Options { get; }
}
