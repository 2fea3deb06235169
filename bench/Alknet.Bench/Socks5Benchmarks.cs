using System.Buffers;
using System.Buffers.Binary;
using System.Net;
using Alknet.Engine.Socks5;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace Alknet.Bench;

/// <summary>
/// SOCKS5 request parse and reply write (once per connection on the accept path) against a raw-span
/// baseline that indexes bytes by hand: the price of the SequenceReader/false-means-more structure.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(Socks5BenchmarkConfig))]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class Socks5Benchmarks
{
    private static readonly byte[] DomainRequest =
        Convert.FromHexString("050100030B6578616D706C652E636F6D01BB");

    private readonly ArrayBufferWriter<byte> _output = new(64);
    private readonly byte[] _rawOutput = new byte[64];
    private readonly IPEndPoint _bound = new(IPAddress.Parse("192.0.2.10"), 40000);
    private ReadOnlySequence<byte> _sequence;

    [GlobalSetup]
    public void Setup() => _sequence = new ReadOnlySequence<byte>(DomainRequest);

    [Benchmark(Baseline = true)]
    [BenchmarkCategory("ParseRequest")]
    public int ParseRequest_RawSpan()
    {
        // Hand-indexed parse over one contiguous span: the floor for this work.
        ReadOnlySpan<byte> b = DomainRequest;
        if (b.Length < 5 || b[0] != 5 || b[1] is < 1 or > 3 || b[3] != 3)
        {
            return -1;
        }

        int length = b[4];
        if (length == 0 || b.Length < 5 + length + 2)
        {
            return -1;
        }

        Span<byte> name = stackalloc byte[255];
        b.Slice(5, length).CopyTo(name);
        return BinaryPrimitives.ReadUInt16BigEndian(b[(5 + length)..]) + name[0];
    }

    [Benchmark]
    [BenchmarkCategory("ParseRequest")]
    public int ParseRequest_SequenceReader()
    {
        var reader = new SequenceReader<byte>(_sequence);
        return Socks5Request.TryParse(ref reader, out var request) ? request.Port + request.Address.Octets[0] : -1;
    }

    /// <summary>The same parse from a span, without the SequenceReader: separates reader setup from
    /// materializing the self-contained request value (its 256-octet inline address).</summary>
    [Benchmark]
    [BenchmarkCategory("ParseRequest")]
    public int ParseRequest_Span() =>
        Socks5Request.TryParse(DomainRequest, out var request) > 0 ? request.Port + request.Address.Octets[0] : -1;

    [Benchmark(Baseline = true)]
    [BenchmarkCategory("WriteReply")]
    public int WriteReply_RawSpan()
    {
        Span<byte> o = _rawOutput;
        o[0] = 5;
        o[1] = 0;
        o[2] = 0;
        o[3] = 1;
        _bound.Address.TryWriteBytes(o[4..], out _);
        BinaryPrimitives.WriteUInt16BigEndian(o[8..], (ushort)_bound.Port);
        return 10;
    }

    [Benchmark]
    [BenchmarkCategory("WriteReply")]
    public int WriteReply_FromEndPoint()
    {
        _output.ResetWrittenCount();
        Socks5Reply.Write(_output, Socks5ReplyCode.Succeeded, _bound);
        return _output.WrittenCount;
    }

    [Benchmark]
    [BenchmarkCategory("WriteReply")]
    public int WriteReply_Value()
    {
        _output.ResetWrittenCount();
        var address = Socks5Address.FromEndPoint(_bound, out var port);
        new Socks5Reply(Socks5ReplyCode.Succeeded, address, port).Write(_output);
        return _output.WrittenCount;
    }

    /// <summary>In-process so the benchmark runs whatever runtime the SDK targets.</summary>
    private sealed class Socks5BenchmarkConfig : ManualConfig
    {
        public Socks5BenchmarkConfig() =>
            AddJob(Job.Default
                .WithToolchain(InProcessEmitToolchain.Instance)
                .WithWarmupCount(5)
                .WithIterationCount(15)
                .WithId("InProcess"));
    }
}
