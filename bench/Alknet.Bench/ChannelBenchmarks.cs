using System.Buffers;
using System.IO.Pipelines;
using System.Security.Cryptography;
using Alknet.Engine.Buffers;
using Alknet.Ssh;
using Alknet.Ssh.Connection;
using Alknet.Ssh.Crypto;
using Alknet.Ssh.Messages;
using Alknet.Ssh.Transport;
using Alknet.Ssh.Wire;
using BenchmarkDotNet.Attributes;

namespace Alknet.Bench;

/// <summary>
/// Channel data throughput in memory: 64 MiB per operation from the client's channel <c>Output</c> to the server's
/// channel <c>Input</c> (application pipe → send pump → CHANNEL_DATA sealed with the cipher → transport pipe → the
/// server's read loop, which opens it → the channel's receive pipe → the reader, with WINDOW_ADJUST flowing back),
/// spread over 1 or 8 channels of one session.
/// </summary>
/// <remarks>
/// Baseline: the bare packet work for the same bytes on one thread, sealing each CHANNEL_DATA packet with
/// <see cref="PacketWriter"/> and opening it with <see cref="PacketReader"/>, no pipes and no threads: the cost of
/// the cryptography and framing alone. The channel path runs sealing and opening on different threads, so on two
/// cores it can beat the single-threaded baseline. <see cref="PipeCopy"/> moves the same bytes through two pipes and
/// a copying task, the price of the pipes and thread hops without SSH.
/// </remarks>
[Config(typeof(BenchConfig))]
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "BenchmarkDotNet disposes through [GlobalCleanup].")]
public class ChannelBenchmarks
{
    public const long BytesPerOperation = 64L * 1024 * 1024;
    private const int WriteSize = 64 * 1024;

    private readonly byte[] _data = RandomNumberGenerator.GetBytes(WriteSize);
    private SshConnection? _client;
    private SshConnection? _server;
    private Task? _loops;
    private SshChannel[] _senders = [];
    private SshChannel[] _receivers = [];
    private Task[] _work = [];

    private PacketWriter? _writer;
    private PacketReader? _reader;
    private ArrayBufferWriter<byte>? _packets;
    private int _perPacket;

    [Params(1, 8)]
    public int Channels { get; set; }

    [Params(PacketCiphers.Aes128Gcm, PacketCiphers.ChaCha20Poly1305)]
    public string Cipher { get; set; } = PacketCiphers.Aes128Gcm;

    [GlobalSetup]
    public void Setup() => SetupAsync().GetAwaiter().GetResult();

    private async Task SetupAsync()
    {
        var (client, server) = await SshRig.HandshakeAsync(SshRig.ClientOptions(Cipher), SshRig.ServerOptions(Cipher));
        var handler = new SshRig.HandingHandler();
        _client = new SshConnection(client);
        _server = new SshConnection(server, new SshConnectionOptions { Handler = handler });
        _loops = Task.WhenAll(Ignore(_client.RunAsync()), Ignore(_server.RunAsync()));
        _senders = new SshChannel[Channels];
        _receivers = new SshChannel[Channels];
        for (int i = 0; i < Channels; i++)
        {
            _senders[i] = await _client.OpenDirectTcpIpAsync("bench.invalid", 9, "127.0.0.1", 1);
            _receivers[i] = handler.Accepted.Take();
        }
        _work = new Task[2 * Channels];

        // Baseline: the same cipher and keys on both ends, CHANNEL_DATA cut the way the transport cuts it.
        var key = RandomNumberGenerator.GetBytes(PacketCiphers.KeyLength(Cipher));
        var iv = RandomNumberGenerator.GetBytes(PacketCiphers.IvLength(Cipher));
        _packets = new ArrayBufferWriter<byte>(64 * 1024);
        _writer = new PacketWriter(_packets, PacketCiphers.Create(Cipher, null, key, iv, []));
        _reader = new PacketReader(PacketCiphers.Create(Cipher, null, key, iv, []));
        _perPacket = Math.Min(32 * 1024, _writer.PayloadFitting(PinnedBlockMemoryPool.DefaultBlockSize) - ChannelData.Overhead);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        foreach (var c in _senders) c.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _client?.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _server?.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _loops?.Wait(TimeSpan.FromSeconds(5));
        _writer?.Dispose();
        _reader?.Dispose();
    }

    [Benchmark(Baseline = true, Description = "seal + open, one thread")]
    public int SealOpen()
    {
        var writer = _writer!;
        var reader = _reader!;
        var output = _packets!;
        var data = new ReadOnlySequence<byte>(_data);
        int packets = 0;
        for (long left = BytesPerOperation; left > 0;)
        {
            var chunk = data.Slice(0, Math.Min(Math.Min(left, _perPacket), data.Length));
            output.ResetWrittenCount();
            var w = new SshWriter(writer.BeginPacket(ChannelData.Overhead + (int)chunk.Length));
            new ChannelData(0, chunk).Write(ref w);
            w.Commit();
            writer.EndPacket();
            var wire = new ReadOnlySequence<byte>(output.WrittenMemory);
            if (!reader.TryRead(ref wire, out _)) throw new InvalidOperationException("packet did not open");
            left -= chunk.Length;
            packets++;
        }
        return packets;
    }

    [Benchmark(Description = "pipe → copy → pipe")]
    public Task PipeCopy() => PipeCopyRig.TransferAsync(_data, BytesPerOperation);

    [Benchmark(Description = "SSH channel")]
    public Task Channel()
    {
        long perChannel = BytesPerOperation / Channels;
        for (int i = 0; i < Channels; i++)
        {
            _work[2 * i] = SendAsync(_senders[i].Output, _data, perChannel);
            _work[(2 * i) + 1] = ReceiveAsync(_receivers[i].Input, perChannel);
        }
        return Task.WhenAll(_work);
    }

    internal static async Task SendAsync(PipeWriter output, byte[] data, long count)
    {
        while (count > 0)
        {
            int n = (int)Math.Min(data.Length, count);
            var flush = await output.WriteAsync(data.AsMemory(0, n));
            if (flush.IsCompleted) throw new InvalidOperationException("the reader went away");
            count -= n;
        }
    }

    internal static async Task ReceiveAsync(PipeReader input, long count)
    {
        while (count > 0)
        {
            var result = await input.ReadAsync();
            long n = Math.Min(result.Buffer.Length, count);
            input.AdvanceTo(result.Buffer.GetPosition(n));
            count -= n;
            if (result.IsCompleted && count > 0) throw new InvalidOperationException("the stream ended early");
        }
    }

    private static async Task Ignore(Task loop)
    {
        try
        {
            await loop;
        }
        catch (Exception e) when (e is SshDisconnectedException or SshProtocolException or OperationCanceledException)
        {
            // The session ends at cleanup.
        }
    }

    /// <summary>Two pipes and a task that copies from one to the other, as a relay would, with the same pipe options.</summary>
    private static class PipeCopyRig
    {
        public static async Task TransferAsync(byte[] data, long count)
        {
            var first = new Pipe(SshRig.SocketLikePipe());
            var second = new Pipe(SshRig.SocketLikePipe());
            var send = SendAsync(first.Writer, data, count);
            var copy = CopyAsync(first.Reader, second.Writer, count);
            await ReceiveAsync(second.Reader, count);
            await Task.WhenAll(send, copy);
        }

        private static async Task CopyAsync(PipeReader from, PipeWriter to, long count)
        {
            while (count > 0)
            {
                var result = await from.ReadAsync();
                foreach (var segment in result.Buffer) to.Write(segment.Span);
                count -= result.Buffer.Length;
                from.AdvanceTo(result.Buffer.End);
                await to.FlushAsync();
            }
        }
    }
}
