using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Security.Cryptography;

namespace Alknet.Ssh.Crypto;

/// <summary>
/// chacha20-poly1305@openssh.com (OpenSSH PROTOCOL.chacha20poly1305): two ChaCha20 instances keyed from the 64-byte
/// key, with the SSH sequence number as the 64-bit nonce.
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item>K_2 = key bytes 0–31 encrypts the payload from block counter 1; its block 0 provides the Poly1305 key.</item>
/// <item>K_1 = key bytes 32–63 encrypts only the 4-byte length, at block counter 0, so a receiver can learn the
/// length before it has the whole packet.</item>
/// <item>Tag = Poly1305(encrypted length ‖ encrypted body), checked in constant time before anything is decrypted.</item>
/// </list>
/// <para>With AVX-512 or AVX2 (<see cref="ChaCha20Block16"/>) one 16-lane pass computes K_1's block 0 (lane 0) and K_2's
/// blocks 0–14 (lanes 1–15): the length keystream, the Poly1305 key and the first 896 payload bytes. With AVX-512 the
/// same pass also computes K_2's blocks 15–18 in four more registers (<see cref="ChaCha20Block16.ComputePlus4"/>), so a
/// packet body of up to 1152 bytes (a 1 KiB payload's is 1032) needs no second pass. Further payload up to
/// <see cref="VectorTailLimit"/> bytes takes more passes, the last one only 8 lanes wide when at most 8 blocks are
/// left; beyond that, OpenSSL's EVP ChaCha20 continues where the first pass stopped, as it is faster on long inputs.
/// Without either all three keystreams come from EVP, one call each.</para>
/// <para>On the vector path the tag of a short packet (up to 1280 bytes with AVX-512, 256 without) is computed by the
/// managed <see cref="Poly1305"/>, which saves EVP_MAC's fixed cost; longer packets go through OpenSSL's EVP MAC, whose
/// AVX-512 IFMA code is faster per byte.</para>
/// <para>This is not RFC 8439's AEAD (different nonce size, no associated-data padding), so the BCL's
/// ChaCha20Poly1305 cannot be used.</para>
/// </remarks>
internal sealed class ChaCha20Poly1305PacketCipher : IPacketCipher
{
    public const int KeySize = 64;
    public const int TagSize = 16;
    private const int LengthFieldSize = 4;

    /// <summary>Payload bytes a 16-lane first pass covers: K_2 blocks 1–14.</summary>
    internal const int FirstPassPayload = (ChaCha20Block16.Lanes - 2) * ChaCha20Block16.BlockSize;

    /// <summary>Payload bytes the AVX-512 first pass covers, with its four extra blocks: K_2 blocks 1–18.</summary>
    internal const int FirstPassPayloadPlus4 = FirstPassPayload + ChaCha20Block16.RowCount * ChaCha20Block16.BlockSize;

    /// <summary>
    /// Payload beyond the first pass up to this many bytes is keyed by more vector passes, longer payloads by one EVP
    /// call. Measured in one process: a vector pass (1 KiB) ≈ 0.16 µs, EVP reset + 1 KiB ≈ 0.18 µs, the two about
    /// equal at 4 KiB and EVP ahead beyond (8 KiB: 1.14 against 1.25 µs; 32 KiB: 4.6 against 5.6 µs).
    /// </summary>
    internal const int VectorTailLimit = 2 * 1024;

    /// <summary>Keystream of one 8-lane half pass, used for tails of at most 8 blocks.</summary>
    private const int HalfPass = ChaCha20Block16.OutputSize / 2;

    private const int PolyKeyOffset = ChaCha20Block16.BlockSize;
    private const int PayloadOffset = 2 * ChaCha20Block16.BlockSize;

    private readonly ChaCha20Kernel _kernel;
    private readonly bool _vectorized;
    private readonly Poly1305Kernel _polyKernel;

    // Longest packet (length field + body) whose tag the managed Poly1305 computes on the vector path; longer ones use
    // the EVP MAC (Poly1305.FasterThanEvpUpTo: 1280 bytes with the vector kernel, 256 with the scalar form).
    private readonly int _managedPolyLimit;
    private readonly ChaCha20Stream _main;
    private readonly ChaCha20Stream _length;
    private readonly Poly1305Mac _poly;
    private readonly byte[] _expectedTag = new byte[TagSize];

    // Vector path, sealing: the packet's one-time Poly1305 key between encryption and tag (wiped after each packet).
    private readonly byte[] _polyKey = new byte[Poly1305.KeySize];

    // Vector path: the initial lane states of the first pass (lane 0 keyed with K_1, lanes 1–15 with K_2) and of the
    // following passes (all K_2), and the keystream of the current pass. Key material: wiped on dispose; the keystream
    // is wiped after every packet.
    private readonly Vector512<uint>[] _firstPass = [];
    private readonly Vector512<uint>[] _nextPass = [];
    private readonly byte[] _keystream = [];

    // AVX-512 only: the four extra blocks of the first pass (K_2 blocks 15–18) in the row layout, and how far the first
    // pass reaches (payload bytes, and the K_2 block counter where a further pass or EVP continues).
    private readonly Vector512<uint>[] _firstPassRows = [];
    private readonly int _firstPassPayload;
    private readonly uint _nextCounter;

    // EVP path: block 0 of K_2, whose first 32 bytes are the one-time Poly1305 key; and the length keystream.
    private readonly byte[] _block0 = new byte[ChaCha20Stream.BlockSize];
    private readonly byte[] _lengthKeystream = new byte[LengthFieldSize];

    // The transport always peeks at the length before it opens the packet. What PeekLength computed for that sequence
    // number (the first pass's keystream, or the EVP length keystream) is kept so Open does not compute it again.
    private uint _peekedSequence;
    private bool _peeked;

    public ChaCha20Poly1305PacketCipher(ReadOnlySpan<byte> key)
        : this(key, ChaCha20Block16.Best)
    {
    }

    /// <param name="key">K_2 ‖ K_1.</param>
    /// <param name="vectorized">False forces the EVP-only path (tests compare the two); true takes the best kernel.</param>
    internal ChaCha20Poly1305PacketCipher(ReadOnlySpan<byte> key, bool vectorized)
        : this(key, vectorized ? ChaCha20Block16.Best : ChaCha20Kernel.None)
    {
    }

    /// <param name="key">K_2 ‖ K_1.</param>
    /// <param name="kernel">The keystream kernel (tests force each one); one this CPU cannot run means EVP.</param>
    internal ChaCha20Poly1305PacketCipher(ReadOnlySpan<byte> key, ChaCha20Kernel kernel)
        : this(key, kernel, Poly1305.Best)
    {
    }

    /// <param name="key">K_2 ‖ K_1.</param>
    /// <param name="kernel">The keystream kernel (tests force each one); one this CPU cannot run means EVP.</param>
    /// <param name="polyKernel">The managed Poly1305 kernel for short packets on the vector path (tests force each
    /// one). The EVP path always uses the EVP MAC.</param>
    internal ChaCha20Poly1305PacketCipher(ReadOnlySpan<byte> key, ChaCha20Kernel kernel, Poly1305Kernel polyKernel)
    {
        if (!Poly1305.Supports(polyKernel))
        {
            throw new PlatformNotSupportedException($"This CPU cannot run the {polyKernel} Poly1305 kernel.");
        }

        _polyKernel = polyKernel;
        _managedPolyLimit = Poly1305.FasterThanEvpUpTo(polyKernel);
        LibCrypto.CheckLength(key.Length, KeySize, nameof(key));
        _main = new ChaCha20Stream(key[..32]);
        _length = new ChaCha20Stream(key[32..]);
        _poly = new Poly1305Mac();
        _kernel = ChaCha20Block16.Supports(kernel) ? kernel : ChaCha20Kernel.None;
        _vectorized = _kernel != ChaCha20Kernel.None;
        if (_vectorized)
        {
            _firstPass = new Vector512<uint>[ChaCha20Block16.Lanes];
            _nextPass = new Vector512<uint>[ChaCha20Block16.Lanes];
            bool plus4 = _kernel == ChaCha20Kernel.Avx512;
            _keystream = new byte[plus4 ? ChaCha20Block16.OutputSizePlus4 : ChaCha20Block16.OutputSize];
            _firstPassPayload = plus4 ? FirstPassPayloadPlus4 : FirstPassPayload;
            _nextCounter = (uint)(_firstPassPayload / ChaCha20Block16.BlockSize) + 1;
            if (plus4)
            {
                // Row r holds words 4r … 4r + 3 of the blocks in its four 128-bit lanes; row 3 (counter, nonce) is
                // completed per packet in FirstPass.
                _firstPassRows = new Vector512<uint>[ChaCha20Block16.RowCount];
                ChaCha20Block16.SetKeyRows(_firstPassRows, key[..32], FirstPassPayload / ChaCha20Block16.BlockSize + 1);
            }

            ChaCha20Block16.SetKeyRows(_nextPass, key[..32]);
            ChaCha20Block16.SetKeyRows(_firstPass, key[32..]);
            Vector512<uint> lane0 = Vector512<uint>.Zero.WithElement(0, uint.MaxValue);
            for (int row = 4; row < 12; row++)
            {
                _firstPass[row] = Vector512.ConditionalSelect(lane0, _firstPass[row], _nextPass[row]);
            }

            // Block counters (word 12 low, word 13 high): lane 0 is K_1's block 0, lane j ≥ 1 is K_2's block j − 1.
            _firstPass[12] = Vector512.Max(Vector512<uint>.Indices, Vector512<uint>.One) - Vector512<uint>.One;
            _firstPass[13] = Vector512<uint>.Zero;
            _nextPass[13] = Vector512<uint>.Zero;
        }
    }

    public int BlockSize => 8;

    public int MacLength => TagSize;

    public bool LengthExcludedFromPadding => true;

    public int LengthPrefixBytes => LengthFieldSize;

    public void Seal(uint sequenceNumber, Span<byte> packet, Span<byte> mac)
    {
        LibCrypto.CheckLength(mac.Length, TagSize, nameof(mac));
        if (_vectorized)
        {
            // The tag needs the ciphertext, and passes after the first reuse the keystream buffer: keep the key apart.
            FirstPass(sequenceNumber, packet.Length - LengthFieldSize);
            _keystream.AsSpan(PolyKeyOffset, Poly1305.KeySize).CopyTo(_polyKey);
            Encrypt(sequenceNumber, packet);
            CryptographicOperations.ZeroMemory(_keystream);
            ComputeTag(_polyKey, packet, mac);
            CryptographicOperations.ZeroMemory(_polyKey);
        }
        else
        {
            _length.Reset(0, sequenceNumber);
            _length.Transform(packet[..LengthFieldSize], packet[..LengthFieldSize]);
            StartPayload(sequenceNumber);
            Span<byte> body = packet[LengthFieldSize..];
            _main.Transform(body, body);
            _poly.Compute(_block0.AsSpan(0, Poly1305.KeySize), packet, mac);
            CryptographicOperations.ZeroMemory(_block0);
        }

        _peeked = false;
    }

    public uint PeekLength(uint sequenceNumber, ReadOnlySpan<byte> prefix)
    {
        ReadOnlySpan<byte> keystream;
        if (_vectorized)
        {
            // The body length is what is being learnt, so the pass must cover the longest body it can.
            FirstPass(sequenceNumber, int.MaxValue);
            keystream = _keystream;
        }
        else
        {
            LoadLengthKeystream(sequenceNumber);
            keystream = _lengthKeystream;
        }

        _peekedSequence = sequenceNumber;
        _peeked = true;
        return BinaryPrimitives.ReadUInt32BigEndian(prefix) ^ BinaryPrimitives.ReadUInt32BigEndian(keystream);
    }

    public bool Open(uint sequenceNumber, Span<byte> packet, ReadOnlySpan<byte> mac)
    {
        LibCrypto.CheckLength(mac.Length, TagSize, nameof(mac));
        bool reuse = _peeked && _peekedSequence == sequenceNumber;
        _peeked = false;
        if (_vectorized)
        {
            if (!reuse)
            {
                FirstPass(sequenceNumber, packet.Length - LengthFieldSize);
            }

            ComputeTag(_keystream.AsSpan(PolyKeyOffset, Poly1305.KeySize), packet, _expectedTag);
            bool valid = CryptographicOperations.FixedTimeEquals(_expectedTag, mac);
            if (valid)
            {
                Encrypt(sequenceNumber, packet);
            }

            CryptographicOperations.ZeroMemory(_keystream);
            return valid;
        }

        StartPayload(sequenceNumber);
        _poly.Compute(_block0.AsSpan(0, Poly1305.KeySize), packet, _expectedTag);
        CryptographicOperations.ZeroMemory(_block0);
        if (!CryptographicOperations.FixedTimeEquals(_expectedTag, mac))
        {
            return false;
        }

        if (!reuse)
        {
            LoadLengthKeystream(sequenceNumber);
        }

        BinaryPrimitives.WriteUInt32BigEndian(
            packet,
            BinaryPrimitives.ReadUInt32BigEndian(packet) ^ BinaryPrimitives.ReadUInt32BigEndian(_lengthKeystream));
        Span<byte> body = packet[LengthFieldSize..];
        _main.Transform(body, body);
        return true;
    }

    public void Dispose()
    {
        _main.Dispose();
        _length.Dispose();
        _poly.Dispose();
        CryptographicOperations.ZeroMemory(_block0);
        CryptographicOperations.ZeroMemory(_lengthKeystream);
        CryptographicOperations.ZeroMemory(_keystream);
        CryptographicOperations.ZeroMemory(_polyKey);
        CryptographicOperations.ZeroMemory(MemoryMarshal.AsBytes(_firstPass.AsSpan()));
        CryptographicOperations.ZeroMemory(MemoryMarshal.AsBytes(_nextPass.AsSpan()));
        CryptographicOperations.ZeroMemory(MemoryMarshal.AsBytes(_firstPassRows.AsSpan()));
    }

    /// <summary>
    /// Fills <see cref="_keystream"/> with K_1 block 0 (bytes 0–63; the length keystream is bytes 0–3) and K_2
    /// blocks 0–14 (bytes 64–1023; the Poly1305 key is bytes 64–95, payload keystream from byte 128), with AVX-512 also
    /// K_2 blocks 15–18 (bytes 1024–1279) unless <paramref name="bodyLength"/> does not need them.
    /// </summary>
    /// <remarks>The four extra blocks add ≈ 0.02 µs to the pass, which a packet body of at most 896 bytes can skip.</remarks>
    private void FirstPass(uint sequenceNumber, int bodyLength)
    {
        SetNonce(_firstPass, sequenceNumber);
        if (_firstPassRows.Length != 0 && bodyLength > FirstPassPayload)
        {
            _firstPassRows[3] = ChaCha20Block16.RowNonce(_firstPassRows[3], sequenceNumber);
            ChaCha20Block16.ComputePlus4(_firstPass, _firstPassRows, _keystream);
        }
        else
        {
            ChaCha20Block16.Compute(_kernel, _firstPass, _keystream.AsSpan(0, ChaCha20Block16.OutputSize));
        }
    }

    /// <summary>
    /// XORs the length and the body with the keystream (the first pass must be in <see cref="_keystream"/>). Sealing
    /// and opening are the same operation. The caller wipes the keystream (its Poly1305 key is still needed when
    /// sealing).
    /// </summary>
    private void Encrypt(uint sequenceNumber, Span<byte> packet)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(
            packet,
            BinaryPrimitives.ReadUInt32LittleEndian(packet) ^ BinaryPrimitives.ReadUInt32LittleEndian(_keystream));
        Span<byte> body = packet[LengthFieldSize..];
        int n = Math.Min(body.Length, _firstPassPayload);
        AesCtrKeystream.Xor(body[..n], _keystream.AsSpan(PayloadOffset), body[..n]);
        Span<byte> rest = body[n..];
        if (rest.Length > VectorTailLimit)
        {
            // K_2 from where the first pass stopped.
            _main.Reset(_nextCounter, sequenceNumber);
            _main.Transform(rest, rest);
        }
        else if (!rest.IsEmpty)
        {
            SetNonce(_nextPass, sequenceNumber);
            uint counter = _nextCounter;
            while (!rest.IsEmpty)
            {
                // Lane j is K_2's block counter + j. Payloads are far below 2^32 blocks, so word 13 stays zero.
                _nextPass[12] = Vector512.Create(counter) + Vector512<uint>.Indices;
                int m;
                if (rest.Length <= HalfPass)
                {
                    // At most 8 blocks left: lanes 0–7 only.
                    ChaCha20Block16.ComputeLow8(_nextPass, _keystream.AsSpan(0, HalfPass));
                    m = rest.Length;
                }
                else
                {
                    ChaCha20Block16.Compute(_kernel, _nextPass, _keystream.AsSpan(0, ChaCha20Block16.OutputSize));
                    m = Math.Min(rest.Length, ChaCha20Block16.OutputSize);
                }

                AesCtrKeystream.Xor(rest[..m], _keystream, rest[..m]);
                rest = rest[m..];
                counter += ChaCha20Block16.Lanes;
            }
        }
    }

    /// <summary>
    /// The 64-bit nonce is the sequence number, big-endian (words 14 and 15 read little-endian): the high word is
    /// zero for a 32-bit sequence number.
    /// </summary>
    private static void SetNonce(Vector512<uint>[] state, uint sequenceNumber)
    {
        state[14] = Vector512<uint>.Zero;
        state[15] = Vector512.Create(BinaryPrimitives.ReverseEndianness(sequenceNumber));
    }

    /// <summary>The first 4 bytes of K_1's block 0 for this sequence number: the length field's keystream.</summary>
    private void LoadLengthKeystream(uint sequenceNumber)
    {
        _length.Reset(0, sequenceNumber);
        Array.Clear(_lengthKeystream);
        _length.Transform(_lengthKeystream, _lengthKeystream);
    }

    /// <summary>
    /// Puts K_2 block 0 (the Poly1305 key is its first 32 bytes) in <see cref="_block0"/> and leaves the K_2 stream
    /// positioned at block 1. The caller wipes <see cref="_block0"/> once the tag is computed.
    /// </summary>
    private void StartPayload(uint sequenceNumber)
    {
        _main.Reset(0, sequenceNumber);
        Array.Clear(_block0);
        _main.Transform(_block0, _block0);
    }

    /// <summary>The vector path's tag: the managed Poly1305 where it is faster than EVP (see <see cref="Poly1305.FasterThanEvpUpTo"/>), else EVP.</summary>
    private void ComputeTag(ReadOnlySpan<byte> polyKey, ReadOnlySpan<byte> encryptedPacket, Span<byte> tag)
    {
        if (encryptedPacket.Length <= _managedPolyLimit)
        {
            Poly1305.Mac(_polyKernel, polyKey, encryptedPacket, tag);
        }
        else
        {
            _poly.Compute(polyKey, encryptedPacket, tag);
        }
    }
}
