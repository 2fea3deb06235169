using NUnit.Framework;
using System.Buffers;
using System.IO.Pipelines;
using Alknet.Engine.Socks5;

namespace Alknet.Engine.Tests.Socks5;

/// <summary>Shared checks for the false-means-more parsers (the four parser tests every message gets).</summary>
internal static class WireTestKit
{
    public static byte[] Hex(string hex) => Convert.FromHexString(hex.Replace(" ", string.Empty, StringComparison.Ordinal));

    public static byte[] WriteToArray<T>(T message)
        where T : struct, IWireMessage<T>
    {
        var output = new ArrayBufferWriter<byte>();
        message.Write(output);
        return output.WrittenSpan.ToArray();
    }

    /// <summary>Every strict prefix returns false and leaves the reader where it was.</summary>
    public static void AssertEveryPrefixNeedsMore<T>(byte[] message)
        where T : struct, IWireMessage<T>
    {
        for (var n = 0; n < message.Length; n++)
        {
            var reader = new SequenceReader<byte>(new ReadOnlySequence<byte>(message, 0, n));
            var parsed = T.TryParse(ref reader, out _);
            Assert.That(parsed, Is.False, $"a {n}-byte prefix of a {message.Length}-byte message parsed");
            Assert.That(reader.Consumed, Is.Zero, $"a {n}-byte prefix consumed bytes");
        }
    }

    /// <summary>Parses from a single segment with trailing bytes; the trailing bytes are not consumed.</summary>
    public static T Parse<T>(byte[] message)
        where T : struct, IWireMessage<T>
    {
        var withTrailer = new byte[message.Length + 3];
        message.CopyTo(withTrailer, 0);
        withTrailer.AsSpan(message.Length).Fill(0xEE);
        var reader = new SequenceReader<byte>(new ReadOnlySequence<byte>(withTrailer));
        Assert.That(T.TryParse(ref reader, out var value), Is.True, "the complete message did not parse");
        Assert.That(reader.Consumed, Is.EqualTo(message.Length), "the parser did not consume exactly the message");
        return value;
    }

    /// <summary>Parses from a sequence with one byte per segment.</summary>
    public static T ParseOneBytePerSegment<T>(byte[] message)
        where T : struct, IWireMessage<T>
    {
        var reader = new SequenceReader<byte>(OneBytePerSegment(message));
        Assert.That(T.TryParse(ref reader, out var value), Is.True, "the one-byte-per-segment message did not parse");
        Assert.That(reader.Consumed, Is.EqualTo(message.Length));
        return value;
    }

    /// <summary>The reply code of the <see cref="Socks5Exception"/> that <paramref name="bytes"/> provoke.</summary>
    public static Socks5ReplyCode MalformedCode<T>(byte[] bytes)
        where T : struct, IWireMessage<T>
    {
        var e = Assert.Throws<Socks5Exception>(() =>
        {
            var reader = new SequenceReader<byte>(new ReadOnlySequence<byte>(bytes));
            T.TryParse(ref reader, out _);
        });
        return e!.Reply;
    }

    public static ReadOnlySequence<byte> OneBytePerSegment(byte[] bytes)
    {
        if (bytes.Length == 0)
        {
            return ReadOnlySequence<byte>.Empty;
        }

        var first = new Segment(bytes.AsMemory(0, 1), 0);
        var last = first;
        for (var i = 1; i < bytes.Length; i++)
        {
            last = last.Append(bytes.AsMemory(i, 1));
        }

        return new ReadOnlySequence<byte>(first, 0, last, 1);
    }

    /// <summary>Reads exactly <paramref name="count"/> bytes, or fewer if the writer completes first.</summary>
    public static async Task<byte[]> ReadExactlyAsync(PipeReader reader, int count, CancellationToken cancellationToken)
    {
        while (true)
        {
            var result = await reader.ReadAsync(cancellationToken);
            if (result.Buffer.Length >= count || result.IsCompleted)
            {
                var take = (int)Math.Min(count, result.Buffer.Length);
                var bytes = result.Buffer.Slice(0, take).ToArray();
                reader.AdvanceTo(result.Buffer.GetPosition(take));
                return bytes;
            }

            reader.AdvanceTo(result.Buffer.Start, result.Buffer.End);
        }
    }

    /// <summary>Reads until the writer completes.</summary>
    public static async Task<byte[]> ReadToEndAsync(PipeReader reader, CancellationToken cancellationToken)
    {
        while (true)
        {
            var result = await reader.ReadAsync(cancellationToken);
            if (result.IsCompleted)
            {
                var bytes = result.Buffer.ToArray();
                reader.AdvanceTo(result.Buffer.End);
                return bytes;
            }

            reader.AdvanceTo(result.Buffer.Start, result.Buffer.End);
        }
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory, long runningIndex)
        {
            Memory = memory;
            RunningIndex = runningIndex;
        }

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory, RunningIndex + Memory.Length);
            Next = next;
            return next;
        }
    }
}

/// <summary>Two in-memory pipes: what the test writes reaches the code under test, and back.</summary>
internal sealed class InMemoryDuplex
{
    private readonly Pipe _toServer = new();
    private readonly Pipe _toClient = new();

    public InMemoryDuplex()
    {
        Server = new Side(_toServer.Reader, _toClient.Writer);
        Client = new Side(_toClient.Reader, _toServer.Writer);
    }

    /// <summary>The end handed to the code under test when it plays the server.</summary>
    public IDuplexPipe Server { get; }

    /// <summary>The end handed to the code under test when it plays the client.</summary>
    public IDuplexPipe Client { get; }

    private sealed class Side(PipeReader input, PipeWriter output) : IDuplexPipe
    {
        public PipeReader Input { get; } = input;

        public PipeWriter Output { get; } = output;
    }
}
