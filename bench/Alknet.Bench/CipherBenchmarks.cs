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
/// Packet cipher cost per packet (Seal and Open) against the bare BCL/OpenSSL primitive doing the same bulk work on
/// the same bytes. Open needs packets sealed under the receiver's current nonce/counter, so every iteration first
/// seals a ring of <see cref="Ring"/> packets and then opens exactly that many.
/// </summary>
[Config(typeof(CipherBenchmarkConfig))]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory, BenchmarkLogicalGroupRule.ByParams)]
[CategoriesColumn]
public abstract class CipherBenchmarks : IDisposable
{
    /// <summary>Packets per iteration (the job's invocation count).</summary>
    public const int Ring = 32;

    private readonly byte[][] _ring = new byte[Ring][];
    private readonly byte[][] _ringMacs = new byte[Ring][];
    private readonly byte[][] _baselineRing = new byte[Ring][];
    private readonly byte[][] _baselineMacs = new byte[Ring][];
    private IPacketCipher? _sender;
    private IPacketCipher? _receiver;
    private byte[] _packet = [];
    private byte[] _mac = [];
    private uint _sequence;
    private int _next;

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
        _sender = Create();
        _packet = BuildPacket(_sender, PayloadSize);
        _mac = new byte[_sender.MacLength];
        for (int i = 0; i < Ring; i++)
        {
            _ring[i] = new byte[_packet.Length];
            _ringMacs[i] = new byte[_mac.Length];
            _baselineRing[i] = new byte[_packet.Length];
            _baselineMacs[i] = new byte[_mac.Length];
        }

        SetupPrimitive();
    }

    [IterationSetup(Targets = [nameof(Open), nameof(OpenPrimitive)])]
    public void SealRing()
    {
        _receiver?.Dispose();
        _receiver = Create();
        using IPacketCipher sealer = Create();

        // One untimed packet first: a fresh cipher's first call pays one-off native initialisation that a
        // long-lived session never sees again.
        byte[] warm = (byte[])_packet.Clone();
        var warmMac = new byte[_mac.Length];
        sealer.Seal(uint.MaxValue, warm, warmMac);
        _receiver.Open(uint.MaxValue, warm, warmMac);
        ResetPrimitive();
        for (int i = 0; i < Ring; i++)
        {
            _packet.CopyTo(_ring[i], 0);
            sealer.Seal((uint)i, _ring[i], _ringMacs[i]);
            _packet.CopyTo(_baselineRing[i], 0);
            SealForPrimitiveOpen(i, _baselineRing[i], _baselineMacs[i]);
        }

        ResetPrimitive();
        _next = 0;
    }

    [Benchmark(Baseline = true)]
    [BenchmarkCategory("Seal")]
    public void SealPrimitive() => SealWithPrimitive(_sequence++, _packet, _mac);

    [Benchmark]
    [BenchmarkCategory("Seal")]
    public void Seal() => _sender!.Seal(_sequence++, _packet, _mac);

    [Benchmark(Baseline = true)]
    [BenchmarkCategory("Open")]
    public bool OpenPrimitive()
    {
        int i = _next++;
        return OpenWithPrimitive(i, _baselineRing[i], _baselineMacs[i]);
    }

    [Benchmark]
    [BenchmarkCategory("Open")]
    public bool Open()
    {
        int i = _next++;
        // A false here would mean the ring and the receiver drifted apart: measuring the failure path is meaningless.
        return _receiver!.Open((uint)i, _ring[i], _ringMacs[i]) ? true : throw new InvalidOperationException("packet did not open");
    }

    public void Dispose()
    {
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
/// In-process toolchain (BenchmarkDotNet 0.14 does not know net10.0 as a runtime moniker), a fixed invocation
/// count so the Open benchmarks consume exactly the ring of packets sealed in the iteration setup. Iterations are
/// short (32 packets, 0.03–0.5 ms) and many, so on a shared machine the Min column shows undisturbed iterations.
/// </summary>
public sealed class CipherBenchmarkConfig : ManualConfig
{
    public CipherBenchmarkConfig()
    {
        AddJob(Job.Default
            .WithToolchain(InProcessEmitToolchain.Instance)
            .WithWarmupCount(5)
            .WithIterationCount(60)
            .WithInvocationCount(CipherBenchmarks.Ring)
            .WithUnrollFactor(1));
        AddDiagnoser(MemoryDiagnoser.Default);
        // The machine is shared: the minimum is the figure least disturbed by other load; the mean is kept too.
        AddColumn(StatisticColumn.Min, StatisticColumn.Median);
    }
}
