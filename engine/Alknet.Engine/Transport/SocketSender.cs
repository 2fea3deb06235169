using System.Buffers;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace Alknet.Engine.Transport;

/// <summary>
/// The send half of a <see cref="SocketConnection"/>: sends a pipe's buffered sequence, gathering several
/// segments into one system call.
/// </summary>
/// <remarks>
/// A multi-segment buffer goes out as one gather send (<see cref="SocketAsyncEventArgs.BufferList"/>, sendmsg
/// with an iovec) rather than one call per segment. The segment list is reused across sends. Segments that are
/// not array-backed (a pool other than ours) fall back to one send per segment.
/// </remarks>
internal sealed class SocketSender : SocketAwaitableEventArgs
{
    /// <summary>
    /// At most this many segments per gather send. On Unix the runtime builds the iovec array on the stack for up
    /// to 8 buffers and allocates two arrays per send beyond that (measured: ~430 B per 16-segment send), so
    /// gathering 8 blocks per call keeps sends allocation-free; 8 blocks of 32 KiB are 256 KiB per system call.
    /// </summary>
    private const int MaxGatherSegments = 8;

    private readonly List<ArraySegment<byte>> _segments = new(MaxGatherSegments);

    /// <summary>
    /// Sends a prefix of <paramref name="buffers"/> and reports through <paramref name="end"/> where that prefix
    /// ends. The caller slices and repeats until the whole sequence is sent.
    /// </summary>
    public ValueTask<SocketOperationResult> SendAsync(Socket socket, in ReadOnlySequence<byte> buffers, out SequencePosition end)
    {
        Prepare();
        if (buffers.IsSingleSegment || !TrySetGatherList(buffers, out end))
        {
            var first = buffers.First;
            end = buffers.GetPosition(first.Length);
            ClearGatherList();
            SetBuffer(MemoryMarshal.AsMemory(first));
        }

        return Complete(socket.SendAsync(this));
    }

    private bool TrySetGatherList(in ReadOnlySequence<byte> buffers, out SequencePosition end)
    {
        _segments.Clear();
        var position = buffers.Start;
        end = position;
        while (_segments.Count < MaxGatherSegments && buffers.TryGet(ref position, out var memory))
        {
            if (!MemoryMarshal.TryGetArray(memory, out var segment))
            {
                _segments.Clear();
                return false;
            }

            if (segment.Count > 0)
            {
                _segments.Add(segment);
            }

            end = position;
        }

        if (position.GetObject() is null)
        {
            // The sequence was exhausted: TryGet leaves a null position after the last segment.
            end = buffers.End;
        }

        // SetBuffer(Memory) and BufferList are mutually exclusive; drop the single buffer before gathering.
        SetBuffer(null, 0, 0);
        BufferList = _segments;
        return true;
    }

    private void ClearGatherList()
    {
        if (BufferList is not null)
        {
            BufferList = null;
            _segments.Clear();
        }
    }
}
