using System.Buffers.Binary;
using System.Security.Cryptography;
using Alknet.Ssh.Crypto;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace Alknet.Bench;

/// <summary>
/// Packet cipher cost per packet (Seal and Open) on one long-lived sender/receiver pair, against the bare BCL/OpenSSL
/// primitive doing the same bulk work on the same bytes.
/// </summary>
/// <remarks>
/// <para>Every benchmark invocation processes a ring of <see cref="Ring"/> packets in order and reports the time per
/// packet (<c>OperationsPerInvoke</c>). The sender and the receiver are created once per benchmark case and live for
/// all its iterations, as in a session; their sequence numbers (and AES-GCM's invocation counter, AES-CTR's running
/// counter) advance packet by packet and never restart.</para>
/// <para><b>Open</b> is what the transport does with a received packet: <see cref="IPacketCipher.PeekLength"/> on the
/// length prefix, then <see cref="IPacketCipher.Open"/> of the whole packet, both with the sequence number the
/// receiver expects next. The ring is sealed by the long-lived sender in the iteration setup (untimed) with exactly
/// those consecutive sequence numbers; opening restores the plaintext, which the next setup seals again. One
/// iteration is one invocation of <see cref="Ring"/> packets (≥ 12 µs), so the setup's own cost never enters the
/// measurement and the per-invocation harness overhead is a few ns per 32 packets.</para>
/// <para><b>Seal</b> seals a ring of the same size in place in the same order (the payload bytes do not change the
/// cost), with its own cipher and no setup. <b>RoundTrip</b> seals, peeks and opens each packet of the ring on the same pair with no setup at all;
/// RoundTrip − Seal is a second estimate of Open, free of any setup effect, for a packet that is still hot in the
/// cache.</para>
/// </remarks>
[Config(typeof(CipherBenchmarkConfig))]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory, BenchmarkLogicalGroupRule.ByParams)]
[CategoriesColumn]
public abstract class CipherBenchmarks : IDisposable
{
    /// <summary>Packets per invocation: 32 KiB of packets at 1 KiB, 1 MiB (this machine's L2 per core) at 32 KiB.</summary>
    public const int Ring = 32;

    private readonly byte[][] _sealRing = new byte[Ring][];
    private readonly byte[][] _sealMacs = new byte[Ring][];
    private readonly byte[][] _ring = new byte[Ring][];
    private readonly byte[][] _ringMacs = new byte[Ring][];
    private readonly byte[][] _baselineRing = new byte[Ring][];
    private readonly byte[][] _baselineMacs = new byte[Ring][];
    private IPacketCipher? _sealer;
    private IPacketCipher? _sender;
    private IPacketCipher? _receiver;
    private uint _sealerSequence;
    private uint _senderSequence;
    private uint _receiverSequence;
    private uint _expectedLength;
    private int _prefixBytes;

    [Params(1024, 32 * 1024)]
    public int PayloadSize { get; set; }

    protected abstract string Cipher { get; }

    protected virtual string? Mac => null;

    protected byte[] Key { get; private set; } = [];

    protected byte[] Iv { get; private set; } = [];

    protected byte[] MacKey { get; private set; } = [];

    [GlobalSetup]
    public void Setup()
    {
        Key = RandomNumberGenerator.GetBytes(PacketCiphers.KeyLength(Cipher));
        Iv = RandomNumberGenerator.GetBytes(PacketCiphers.IvLength(Cipher));
        MacKey = Mac is null ? [] : RandomNumberGenerator.GetBytes(PacketCiphers.MacKeyLength(Mac));

        // The Seal benchmark has its own cipher, so that it never moves the pair's sequence (or GCM counter) apart.
        _sealer = Create();
        _sender = Create();
        _receiver = Create();
        _prefixBytes = _receiver.LengthPrefixBytes;
        byte[] packet = BuildPacket(_sender, PayloadSize);
        _expectedLength = BinaryPrimitives.ReadUInt32BigEndian(packet);
        for (int i = 0; i < Ring; i++)
        {
            _sealRing[i] = (byte[])packet.Clone();
            _sealMacs[i] = new byte[_sender.MacLength];
            _ring[i] = (byte[])packet.Clone();
            _ringMacs[i] = new byte[_sender.MacLength];
            _baselineRing[i] = (byte[])packet.Clone();
            _baselineMacs[i] = new byte[_sender.MacLength];
        }

        SetupPrimitive();
        WarmUp();
    }

    /// <summary>Seals the ring with the long-lived sender, at the sequence numbers the receiver will expect.</summary>
    [IterationSetup(Targets = [nameof(Open), nameof(OpenPrimitive)])]
    public void SealRing()
    {
        for (int i = 0; i < Ring; i++)
        {
            _sender!.Seal(_senderSequence++, _ring[i], _ringMacs[i]);
        }

        ResetPrimitive();
        for (int i = 0; i < Ring; i++)
        {
            SealForPrimitiveOpen(i, _baselineRing[i], _baselineMacs[i]);
        }

        ResetPrimitive();
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Ring)]
    [BenchmarkCategory("Seal")]
    public void SealPrimitive()
    {
        for (int i = 0; i < Ring; i++)
        {
            SealWithPrimitive(_sealerSequence++, _baselineRing[i], _baselineMacs[i]);
        }
    }

    [Benchmark(OperationsPerInvoke = Ring)]
    [BenchmarkCategory("Seal")]
    public void Seal()
    {
        for (int i = 0; i < Ring; i++)
        {
            _sealer!.Seal(_sealerSequence++, _sealRing[i], _sealMacs[i]);
        }
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Ring)]
    [BenchmarkCategory("Open")]
    public void OpenPrimitive()
    {
        for (int i = 0; i < Ring; i++)
        {
            OpenWithPrimitive(i, _baselineRing[i], _baselineMacs[i]);
        }
    }

    [Benchmark(OperationsPerInvoke = Ring)]
    [BenchmarkCategory("Open")]
    public void Open()
    {
        for (int i = 0; i < Ring; i++)
        {
            PeekAndOpen(_ring[i], _ringMacs[i]);
        }
    }

    [Benchmark(OperationsPerInvoke = Ring)]
    [BenchmarkCategory("RoundTrip")]
    public void RoundTrip()
    {
        for (int i = 0; i < Ring; i++)
        {
            _sender!.Seal(_senderSequence++, _ring[i], _ringMacs[i]);
            PeekAndOpen(_ring[i], _ringMacs[i]);
        }
    }

    public void Dispose()
    {
        _sealer?.Dispose();
        _sender?.Dispose();
        _receiver?.Dispose();
        DisposePrimitive();
        GC.SuppressFinalize(this);
    }

    protected abstract void SetupPrimitive();

    /// <summary>Restarts whatever per-packet state (nonce, counter) the primitive baseline keeps.</summary>
    protected virtual void ResetPrimitive()
    {
    }

    protected abstract void SealWithPrimitive(uint sequence, byte[] packet, byte[] mac);

    protected virtual void SealForPrimitiveOpen(int index, byte[] packet, byte[] mac) => SealWithPrimitive((uint)index, packet, mac);

    protected abstract bool OpenWithPrimitive(int index, byte[] packet, byte[] mac);

    protected abstract void DisposePrimitive();

    /// <summary>The transport's receive path for one packet: peek at the length, then authenticate and decrypt.</summary>
    private void PeekAndOpen(byte[] packet, byte[] mac)
    {
        uint sequence = _receiverSequence++;
        // A mismatch here would mean the ring and the receiver drifted apart: measuring the failure path is meaningless.
        if (_receiver!.PeekLength(sequence, packet.AsSpan(0, _prefixBytes)) != _expectedLength ||
            !_receiver.Open(sequence, packet, mac))
        {
            throw new InvalidOperationException("packet did not open");
        }
    }

    /// <summary>
    /// Runs every benchmarked path for <see cref="WarmUpTime"/> before BenchmarkDotNet's own warm-up. A session's
    /// cipher code runs at tier 1; the runtime promotes a method only after it has been called 30 times and 100 ms
    /// have passed without new tier-0 code, longer than this job's whole warm-up (20 iterations of 20–700 µs). Without
    /// this, a benchmark whose cipher methods are called nowhere else (Open, PeekLength) is partly measured at tier 0.
    /// </summary>
    private void WarmUp()
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (clock.Elapsed < WarmUpTime)
        {
            Seal();
            SealPrimitive();
            SealRing();
            Open();
            OpenPrimitive();
            RoundTrip();
        }
    }

    private static readonly TimeSpan WarmUpTime = TimeSpan.FromMilliseconds(600);

    private IPacketCipher Create() => PacketCiphers.Create(Cipher, Mac, Key, Iv, MacKey);

    private static byte[] BuildPacket(IPacketCipher cipher, int payload)
    {
        int align = Math.Max(8, cipher.BlockSize);
        int covered = (cipher.LengthExcludedFromPadding ? 0 : 4) + 1 + payload;
        int padding = align - (covered % align);
        if (padding < 4)
        {
            padding += align;
        }

        byte[] packet = RandomNumberGenerator.GetBytes(4 + 1 + payload + padding);
        BinaryPrimitives.WriteUInt32BigEndian(packet, (uint)(1 + payload + padding));
        packet[4] = (byte)padding;
        return packet;
    }
}

/// <summary>
/// aes128-gcm@openssh.com (a reused libcrypto EVP context) against one BCL <see cref="AesGcm"/> call on the same
/// packet, the primitive most .NET code would use.
/// </summary>
public class AesGcmCipherBenchmarks : CipherBenchmarks
{
    private AesGcm? _aes;
    private byte[] _nonce = [];

    protected override string Cipher => PacketCiphers.Aes128Gcm;

    protected override void SetupPrimitive()
    {
        _aes = new AesGcm(Key, 16);
        _nonce = (byte[])Iv.Clone();
    }

    protected override void SealWithPrimitive(uint sequence, byte[] packet, byte[] mac) =>
        _aes!.Encrypt(_nonce, packet.AsSpan(4), packet.AsSpan(4), mac, packet.AsSpan(0, 4));

    protected override bool OpenWithPrimitive(int index, byte[] packet, byte[] mac)
    {
        _aes!.Decrypt(_nonce, packet.AsSpan(4), mac, packet.AsSpan(4), packet.AsSpan(0, 4));
        return true;
    }

    protected override void DisposePrimitive() => _aes?.Dispose();
}

/// <summary>
/// chacha20-poly1305@openssh.com against OpenSSL's fused RFC 8439 ChaCha20-Poly1305 (through the BCL) on the same
/// bytes: the best a single native call can do for the same bulk work.
/// </summary>
public class ChaCha20Poly1305CipherBenchmarks : CipherBenchmarks
{
    private ChaCha20Poly1305? _aead;
    private readonly byte[] _nonce = new byte[12];

    protected override string Cipher => PacketCiphers.ChaCha20Poly1305;

    protected override void SetupPrimitive() => _aead = new ChaCha20Poly1305(Key.AsSpan(0, 32));

    protected override void SealWithPrimitive(uint sequence, byte[] packet, byte[] mac) =>
        _aead!.Encrypt(_nonce, packet.AsSpan(4), packet.AsSpan(4), mac, packet.AsSpan(0, 4));

    protected override bool OpenWithPrimitive(int index, byte[] packet, byte[] mac)
    {
        _aead!.Decrypt(_nonce, packet.AsSpan(4), mac, packet.AsSpan(4), packet.AsSpan(0, 4));
        return true;
    }

    protected override void DisposePrimitive() => _aead?.Dispose();
}

/// <summary>
/// aes128-ctr + hmac-sha2-256-etm@openssh.com against the two BCL primitives it is built from: one reused AES-ECB
/// transform over as many bytes, plus one HMAC-SHA256 over the packet.
/// </summary>
public class AesCtrHmacCipherBenchmarks : CipherBenchmarks
{
    private Aes? _aes;
    private ICryptoTransform? _ecb;
    private IncrementalHash? _hmac;
    private byte[] _scratch = [];

    protected override string Cipher => PacketCiphers.Aes128Ctr;

    protected override string? Mac => PacketCiphers.HmacSha256Etm;

    protected override void SetupPrimitive()
    {
        _aes = Aes.Create();
        _aes.Key = Key;
        _aes.Mode = CipherMode.ECB;
        _aes.Padding = PaddingMode.None;
        _ecb = _aes.CreateEncryptor();
        _hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, MacKey);
        _scratch = new byte[64 * 1024];
    }

    protected override void SealWithPrimitive(uint sequence, byte[] packet, byte[] mac)
    {
        _ecb!.TransformBlock(packet, 4, packet.Length - 4, _scratch, 0);
        _hmac!.AppendData(packet);
        _hmac.TryGetHashAndReset(mac, out _);
    }

    protected override bool OpenWithPrimitive(int index, byte[] packet, byte[] mac)
    {
        SealWithPrimitive((uint)index, packet, mac);
        return true;
    }

    protected override void DisposePrimitive()
    {
        _ecb?.Dispose();
        _aes?.Dispose();
        _hmac?.Dispose();
    }
}

/// <summary>
/// In-process toolchain (BenchmarkDotNet 0.14 does not know net10.0 as a runtime moniker). One invocation per
/// iteration, each a whole ring of <see cref="CipherBenchmarks.Ring"/> packets, so that Open's iteration setup
/// (re-sealing the ring) sits between iterations and never inside one. Iterations are short (12 µs–1.5 ms) and many,
/// so on a shared machine the Min column shows undisturbed iterations.
/// </summary>
public sealed class CipherBenchmarkConfig : ManualConfig
{
    public CipherBenchmarkConfig()
    {
        AddJob(Job.Default
            .WithToolchain(InProcessEmitToolchain.Instance)
            .WithWarmupCount(20)
            .WithIterationCount(200)
            .WithInvocationCount(1)
            .WithUnrollFactor(1));
        AddDiagnoser(MemoryDiagnoser.Default);
        // The machine is shared: the minimum is the figure least disturbed by other load; the median is kept too.
        AddColumn(StatisticColumn.Min, StatisticColumn.Median);
    }
}
