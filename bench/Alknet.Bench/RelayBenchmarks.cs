using System.Net;
using System.Net.Sockets;
using Alknet.Engine.Buffers;
using Alknet.Engine.Relay;
using Alknet.Engine.Transport;
using BenchmarkDotNet.Attributes;

namespace Alknet.Bench;

/// <summary>
/// Bulk relay throughput over loopback: source socket → proxy (left ⇄ right) → sink socket, 64 MiB per
/// operation split across the connections. The proxy is either <see cref="Relay"/> over two
/// <see cref="SocketConnection"/>s or the baseline, a pair of <see cref="NetworkStream.CopyToAsync(Stream)"/>.
/// Source and sink are identical raw sockets in both cases, so the difference is the proxy.
/// </summary>
[Config(typeof(BenchConfig))]
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "BenchmarkDotNet disposes through [GlobalCleanup].")]
public class RelayBenchmarks
{
    private RelayRig? _relay;
    private RelayRig? _baseline;

    [Params(1, 64)]
    public int Connections { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _relay = RelayRig.Create(Connections, RelayRig.Proxy.Relay, PinnedBlockMemoryPool.Shared);
        _baseline = RelayRig.Create(Connections, RelayRig.Proxy.StreamCopy, null);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _relay?.Dispose();
        _baseline?.Dispose();
    }

    [Benchmark(Baseline = true, Description = "NetworkStream.CopyToAsync pair")]
    public Task StreamCopy() => _baseline!.TransferAsync(RelayRig.BytesPerOperation);

    [Benchmark(Description = "Relay over SocketConnection")]
    public Task Relay() => _relay!.TransferAsync(RelayRig.BytesPerOperation);
}

/// <summary>The same relay at different pool block sizes (the measurement behind the default block size).</summary>
[Config(typeof(BenchConfig))]
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "BenchmarkDotNet disposes through [GlobalCleanup].")]
public class RelayBlockSizeBenchmarks
{
    private RelayRig? _rig;
    private PinnedBlockMemoryPool? _pool;

    [Params(4 * 1024, 16 * 1024, 32 * 1024, 64 * 1024)]
    public int BlockSize { get; set; }

    [Params(1, 64)]
    public int Connections { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _pool = new PinnedBlockMemoryPool(BlockSize);

        // Thresholds fixed in bytes (512 KiB) so that only the block size varies.
        var options = new SocketConnectionOptions { MaxReadBufferSize = 512 * 1024, MaxWriteBufferSize = 512 * 1024 };
        _rig = RelayRig.Create(Connections, RelayRig.Proxy.Relay, _pool, options);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _rig?.Dispose();
        _pool?.Dispose();
    }

    [Benchmark]
    public Task Relay() => _rig!.TransferAsync(RelayRig.BytesPerOperation);
}

/// <summary>Zero-byte receive before each receive (idle connections hold no memory) versus receiving straight into a rented block.</summary>
[Config(typeof(BenchConfig))]
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "BenchmarkDotNet disposes through [GlobalCleanup].")]
public class RelayReceiveModeBenchmarks
{
    private RelayRig? _rig;
    private PinnedBlockMemoryPool? _pool;

    [Params(32 * 1024, 64 * 1024)]
    public int BlockSize { get; set; }

    [Params(true, false)]
    public bool WaitForData { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _pool = new PinnedBlockMemoryPool(BlockSize);
        var options = new SocketConnectionOptions { WaitForDataBeforeAllocatingBuffer = WaitForData };
        _rig = RelayRig.Create(1, RelayRig.Proxy.Relay, _pool, options);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _rig?.Dispose();
        _pool?.Dispose();
    }

    [Benchmark]
    public Task Relay() => _rig!.TransferAsync(RelayRig.BytesPerOperation);
}
