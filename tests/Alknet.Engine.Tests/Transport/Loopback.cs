using System.Buffers;
using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using NUnit.Framework;
using Alknet.Engine.Transport;

namespace Alknet.Engine.Tests.Transport;

/// <summary>Loopback socket plumbing and pipe helpers shared by the transport and relay tests.</summary>
internal static class Loopback
{
    /// <summary>Two started connections joined by a real loopback TCP connection.</summary>
    public static async Task<(SocketConnection Client, SocketConnection Server)> ConnectionPairAsync(MemoryPool<byte>? pool = null)
    {
        await using var listener = SocketListener.Bind(new IPEndPoint(IPAddress.Loopback, 0), 16, pool, null);
        var accept = listener.AcceptAsync().AsTask();
        var client = await SocketConnector.ConnectAsync(listener.LocalEndPoint, pool, null, CancellationToken.None);
        var server = await accept;
        Assert.That(server, Is.Not.Null);
        return (client, server!);
    }

    /// <summary>A plain blocking socket connected to a started server-side connection.</summary>
    public static async Task<(Socket Client, SocketConnection Server)> RawClientPairAsync(MemoryPool<byte>? pool = null)
    {
        await using var listener = SocketListener.Bind(new IPEndPoint(IPAddress.Loopback, 0), 16, pool, null);
        var accept = listener.AcceptAsync().AsTask();
        var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await client.ConnectAsync(listener.LocalEndPoint);
        var server = await accept;
        Assert.That(server, Is.Not.Null);
        return (client, server!);
    }

    public static byte[] RandomBytes(int length)
    {
        var data = new byte[length];
        Random.Shared.NextBytes(data);
        return data;
    }

    /// <summary>Writes <paramref name="data"/> in chunks of varying size, flushing each, then optionally completes.</summary>
    public static async Task WriteAllAsync(PipeWriter writer, byte[] data, bool complete = true)
    {
        var offset = 0;
        var chunk = 1000;
        while (offset < data.Length)
        {
            var n = Math.Min(chunk, data.Length - offset);
            await writer.WriteAsync(data.AsMemory(offset, n));
            offset += n;
            chunk = chunk >= 200_000 ? 1000 : chunk * 3;
        }

        if (complete)
        {
            await writer.CompleteAsync();
        }
    }

    /// <summary>Reads to end of stream and returns the SHA-256 of everything read and its length.</summary>
    public static async Task<(byte[] Hash, long Length)> HashToEndAsync(PipeReader reader)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        long length = 0;
        while (true)
        {
            var result = await reader.ReadAsync();
            foreach (var segment in result.Buffer)
            {
                sha.AppendData(segment.Span);
            }

            length += result.Buffer.Length;
            reader.AdvanceTo(result.Buffer.End);
            if (result.IsCompleted)
            {
                break;
            }
        }

        await reader.CompleteAsync();
        return (sha.GetHashAndReset(), length);
    }

    /// <summary>Writes and completes one end while reading the far end, so back-pressure cannot deadlock a test.</summary>
    public static async Task<byte[]> WriteWhileReadingAsync(PipeWriter writer, byte[] data, PipeReader farEnd)
    {
        var read = Task.Run(() => ReadToEndAsync(farEnd));
        await WriteAllAsync(writer, data, complete: true);
        return await read;
    }

    /// <summary>Reads to end of stream and returns everything read.</summary>
    public static async Task<byte[]> ReadToEndAsync(PipeReader reader)
    {
        var all = new List<byte>();
        while (true)
        {
            var result = await reader.ReadAsync();
            all.AddRange(result.Buffer.ToArray());
            reader.AdvanceTo(result.Buffer.End);
            if (result.IsCompleted)
            {
                return all.ToArray();
            }
        }
    }

    /// <summary>Reads exactly <paramref name="count"/> bytes (fails if the stream ends first).</summary>
    public static async Task<byte[]> ReadExactlyAsync(PipeReader reader, int count)
    {
        while (true)
        {
            var result = await reader.ReadAsync();
            if (result.Buffer.Length >= count)
            {
                var bytes = result.Buffer.Slice(0, count).ToArray();
                reader.AdvanceTo(result.Buffer.GetPosition(count));
                return bytes;
            }

            if (result.IsCompleted)
            {
                Assert.Fail($"Stream ended after {result.Buffer.Length} of {count} bytes.");
            }

            reader.AdvanceTo(result.Buffer.Start, result.Buffer.End);
        }
    }

    /// <summary>Receives from a blocking socket until the peer's FIN.</summary>
    public static byte[] ReceiveToEnd(Socket socket)
    {
        var all = new MemoryStream();
        var buffer = new byte[64 * 1024];
        int n;
        while ((n = socket.Receive(buffer)) > 0)
        {
            all.Write(buffer, 0, n);
        }

        return all.ToArray();
    }

    /// <summary>Waits (bounded) until <paramref name="condition"/> holds; for state that settles asynchronously.</summary>
    public static async Task<bool> EventuallyAsync(Func<bool> condition)
    {
        for (var i = 0; i < 500; i++)
        {
            if (condition())
            {
                return true;
            }

            await Task.Delay(10);
        }

        return condition();
    }
}

/// <summary>An <see cref="IDuplexPipe"/> made of a reader and a writer from two different pipes.</summary>
internal sealed class DuplexPipe(PipeReader input, PipeWriter output) : IDuplexPipe
{
    public PipeReader Input { get; } = input;

    public PipeWriter Output { get; } = output;

    /// <summary>
    /// Two in-memory pipes crossed over: the relay side reads what the peer side writes and vice versa.
    /// </summary>
    public static (DuplexPipe RelaySide, DuplexPipe PeerSide) CreatePair()
    {
        var toRelay = new Pipe(new PipeOptions(useSynchronizationContext: false));
        var fromRelay = new Pipe(new PipeOptions(useSynchronizationContext: false));
        return (new DuplexPipe(toRelay.Reader, fromRelay.Writer), new DuplexPipe(fromRelay.Reader, toRelay.Writer));
    }
}
