using System.Buffers;
using System.IO.Pipelines;
using System.Net;
using Alknet.Engine.Socks5;
using NUnit.Framework;
using static Alknet.Engine.Tests.Socks5.WireTestKit;

namespace Alknet.Engine.Tests.Socks5;

/// <summary>
/// Parsing a request and writing a reply run once per connection on the accept path: they allocate nothing.
/// Allocation counts are deterministic, so they are asserted (timings never are).
/// </summary>
[Category("Allocation")]
public class Socks5AllocationTests
{
    private const int Iterations = 1000;

    private static readonly byte[] DomainRequest = Hex("05 01 00 03 0B 6578616D706C652E636F6D 01BB");

    private static readonly byte[] IPv6Request = Hex("05 01 00 04 20010DB8000000000000000000000001 0050");

    [Test]
    public void TryParse_DomainRequestSingleSegment_AllocatesNothing() =>
        AssertParseAllocatesNothing(new ReadOnlySequence<byte>(DomainRequest));

    [Test]
    public void TryParse_IPv6RequestSingleSegment_AllocatesNothing() =>
        AssertParseAllocatesNothing(new ReadOnlySequence<byte>(IPv6Request));

    [Test]
    public void TryParse_DomainRequestOneBytePerSegment_AllocatesNothing() =>
        AssertParseAllocatesNothing(OneBytePerSegment(DomainRequest));

    [Test]
    public void TryParse_Greeting_AllocatesNothing()
    {
        var sequence = new ReadOnlySequence<byte>(Hex("05 02 00 02"));
        var offered = 0;
        for (var warm = 0; warm < 2; warm++)
        {
            var before = GC.GetAllocatedBytesForCurrentThread();
            for (var i = 0; i < Iterations; i++)
            {
                var reader = new SequenceReader<byte>(sequence);
                if (Socks5Greeting.TryParse(ref reader, out var greeting))
                {
                    offered += greeting.Count;
                }
            }

            if (warm == 1)
            {
                Assert.That(GC.GetAllocatedBytesForCurrentThread() - before, Is.Zero);
            }
        }

        Assert.That(offered, Is.EqualTo(2 * 2 * Iterations));
    }

    [Test]
    public void Write_ReplyWithIPv4EndPoint_AllocatesNothing()
    {
        var output = new ArrayBufferWriter<byte>(64);
        var bound = new IPEndPoint(IPAddress.Parse("192.0.2.10"), 40000);
        for (var warm = 0; warm < 2; warm++)
        {
            var before = GC.GetAllocatedBytesForCurrentThread();
            for (var i = 0; i < Iterations; i++)
            {
                output.ResetWrittenCount();
                var address = Socks5Address.FromEndPoint(bound, out var port);
                new Socks5Reply(Socks5ReplyCode.Succeeded, address, port).Write(output);
            }

            if (warm == 1)
            {
                Assert.That(GC.GetAllocatedBytesForCurrentThread() - before, Is.Zero);
            }
        }

        Assert.That(output.WrittenSpan.ToArray(), Is.EqualTo(Hex("05 00 00 01 C000020A 9C40")));
    }

    [Test]
    public void WriteReplyAsync_OverPipe_AllocatesNothing()
    {
        var pipe = new Pipe();
        var bound = new IPEndPoint(IPAddress.Parse("192.0.2.10"), 40000);
        long total = 0;
        for (var warm = 0; warm < 2; warm++)
        {
            var before = GC.GetAllocatedBytesForCurrentThread();
            for (var i = 0; i < Iterations; i++)
            {
                var pending = Socks5ServerHandshake.WriteReplyAsync(pipe.Writer, Socks5ReplyCode.Succeeded, bound, CancellationToken.None);
                if (!pending.IsCompletedSuccessfully)
                {
                    Assert.Fail("The flush into an empty pipe should complete synchronously.");
                }

                pipe.Reader.TryRead(out var result);
                total += result.Buffer.Length;
                pipe.Reader.AdvanceTo(result.Buffer.End);
            }

            if (warm == 1)
            {
                Assert.That(GC.GetAllocatedBytesForCurrentThread() - before, Is.Zero);
            }
        }

        Assert.That(total, Is.EqualTo(2 * 10 * Iterations));
    }

    private static void AssertParseAllocatesNothing(ReadOnlySequence<byte> sequence)
    {
        var ports = 0L;
        for (var warm = 0; warm < 2; warm++)
        {
            var before = GC.GetAllocatedBytesForCurrentThread();
            for (var i = 0; i < Iterations; i++)
            {
                var reader = new SequenceReader<byte>(sequence);
                if (Socks5Request.TryParse(ref reader, out var request))
                {
                    ports += request.Port;
                }
            }

            if (warm == 1)
            {
                Assert.That(GC.GetAllocatedBytesForCurrentThread() - before, Is.Zero);
            }
        }

        Assert.That(ports, Is.EqualTo(2L * Iterations * (sequence.Slice(sequence.Length - 2).FirstSpan[0] << 8 | sequence.Slice(sequence.Length - 1).FirstSpan[0])), "the request did not parse every time");
    }
}
