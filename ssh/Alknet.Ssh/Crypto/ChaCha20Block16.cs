using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Alknet.Ssh.Crypto;

/// <summary>
/// The ChaCha20 block function (RFC 8439 §2.3) for 16 blocks at once with AVX-512, in the "column" layout: vector i
/// holds state word i of all 16 blocks, so each quarter round is 12 instructions for 16 blocks and the 16 chains run
/// in parallel.
/// </summary>
/// <remarks>
/// <para>Why managed code: chacha20-poly1305@openssh.com needs keystream under two keys and at two counters per
/// packet (the length block under K_1, the Poly1305-key block and the payload under K_2). Through OpenSSL's EVP each of
/// those is a separate call costing ≈ 0.15–0.2 µs even for one block. Here every lane has its own state, so one pass
/// produces K_1's block 0 and K_2's blocks 0–14 together (≈ 0.2 µs for the whole 1 KiB).</para>
/// <para>Where AVX-512 is missing <see cref="IsSupported"/> is false and callers keep the EVP path.</para>
/// </remarks>
internal static class ChaCha20Block16
{
    public const int Lanes = 16;
    public const int BlockSize = 64;

    /// <summary>Bytes of keystream one call produces: block j (lane j) at offset 64·j.</summary>
    public const int OutputSize = Lanes * BlockSize;

    // RFC 8439 §2.3: "expand 32-byte k".
    private const uint Sigma0 = 0x61707865, Sigma1 = 0x3320646e, Sigma2 = 0x79622d32, Sigma3 = 0x6b206574;

    public static bool IsSupported => Avx512F.IsSupported;

    /// <summary>
    /// Writes the constant rows 0–3 and the key rows 4–11 (key words broadcast to every lane). Rows 12–15 (counter,
    /// nonce) are the caller's.
    /// </summary>
    public static void SetKeyRows(Span<Vector512<uint>> state, ReadOnlySpan<byte> key)
    {
        LibCrypto.CheckLength(state.Length, Lanes, nameof(state));
        LibCrypto.CheckLength(key.Length, 32, nameof(key));
        state[0] = Vector512.Create(Sigma0);
        state[1] = Vector512.Create(Sigma1);
        state[2] = Vector512.Create(Sigma2);
        state[3] = Vector512.Create(Sigma3);
        for (int i = 0; i < 8; i++)
        {
            state[4 + i] = Vector512.Create(BinaryPrimitives.ReadUInt32LittleEndian(key[(4 * i)..]));
        }
    }

    /// <summary>
    /// RFC 8439 keystream for blocks <paramref name="counter"/> … counter + 15 under one key and 96-bit nonce.
    /// For tests and as the reference use of the kernel; the packet cipher builds its own rows.
    /// </summary>
    public static void Keystream(ReadOnlySpan<byte> key, uint counter, ReadOnlySpan<byte> nonce, Span<byte> keystream)
    {
        LibCrypto.CheckLength(nonce.Length, 12, nameof(nonce));
        Span<Vector512<uint>> state = stackalloc Vector512<uint>[Lanes];
        SetKeyRows(state, key);
        state[12] = Vector512.Create(counter) + Vector512<uint>.Indices;
        state[13] = Vector512.Create(BinaryPrimitives.ReadUInt32LittleEndian(nonce));
        state[14] = Vector512.Create(BinaryPrimitives.ReadUInt32LittleEndian(nonce[4..]));
        state[15] = Vector512.Create(BinaryPrimitives.ReadUInt32LittleEndian(nonce[8..]));
        Compute(state, keystream);
        state.Clear();
    }

    /// <summary>Runs the block function on 16 lane states (row i = word i) and writes 16 keystream blocks.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Compute(ReadOnlySpan<Vector512<uint>> state, Span<byte> keystream)
    {
        LibCrypto.CheckLength(state.Length, Lanes, nameof(state));
        LibCrypto.CheckLength(keystream.Length, OutputSize, nameof(keystream));
        if (!IsSupported)
        {
            throw new PlatformNotSupportedException("ChaCha20Block16 needs AVX-512F.");
        }

        Vector512<uint> x0 = state[0], x1 = state[1], x2 = state[2], x3 = state[3];
        Vector512<uint> x4 = state[4], x5 = state[5], x6 = state[6], x7 = state[7];
        Vector512<uint> x8 = state[8], x9 = state[9], x10 = state[10], x11 = state[11];
        Vector512<uint> x12 = state[12], x13 = state[13], x14 = state[14], x15 = state[15];

        // 20 rounds = 10 double rounds (§2.3): a column round, then a diagonal round (§2.2 quarter rounds).
        for (int i = 0; i < 10; i++)
        {
            QuarterRound4(ref x0, ref x4, ref x8, ref x12, ref x1, ref x5, ref x9, ref x13,
                ref x2, ref x6, ref x10, ref x14, ref x3, ref x7, ref x11, ref x15);
            QuarterRound4(ref x0, ref x5, ref x10, ref x15, ref x1, ref x6, ref x11, ref x12,
                ref x2, ref x7, ref x8, ref x13, ref x3, ref x4, ref x9, ref x14);
        }

        x0 += state[0]; x1 += state[1]; x2 += state[2]; x3 += state[3];
        x4 += state[4]; x5 += state[5]; x6 += state[6]; x7 += state[7];
        x8 += state[8]; x9 += state[9]; x10 += state[10]; x11 += state[11];
        x12 += state[12]; x13 += state[13]; x14 += state[14]; x15 += state[15];

        // Transpose the 16×16 word matrix (row = word, column = block) so that each vector holds one block. Each step
        // swaps one bit of the row index with the same bit of the column index.
        Swap1(ref x0, ref x1); Swap1(ref x2, ref x3); Swap1(ref x4, ref x5); Swap1(ref x6, ref x7);
        Swap1(ref x8, ref x9); Swap1(ref x10, ref x11); Swap1(ref x12, ref x13); Swap1(ref x14, ref x15);
        Swap2(ref x0, ref x2); Swap2(ref x1, ref x3); Swap2(ref x4, ref x6); Swap2(ref x5, ref x7);
        Swap2(ref x8, ref x10); Swap2(ref x9, ref x11); Swap2(ref x12, ref x14); Swap2(ref x13, ref x15);
        Swap4(ref x0, ref x4); Swap4(ref x1, ref x5); Swap4(ref x2, ref x6); Swap4(ref x3, ref x7);
        Swap4(ref x8, ref x12); Swap4(ref x9, ref x13); Swap4(ref x10, ref x14); Swap4(ref x11, ref x15);
        Swap8(ref x0, ref x8); Swap8(ref x1, ref x9); Swap8(ref x2, ref x10); Swap8(ref x3, ref x11);
        Swap8(ref x4, ref x12); Swap8(ref x5, ref x13); Swap8(ref x6, ref x14); Swap8(ref x7, ref x15);

        // Serialization is little-endian words (§2.3), which is the vector's memory order on x86.
        ref byte o = ref keystream[0];
        Unsafe.WriteUnaligned(ref Unsafe.Add(ref o, 0 * BlockSize), x0);
        Unsafe.WriteUnaligned(ref Unsafe.Add(ref o, 1 * BlockSize), x1);
        Unsafe.WriteUnaligned(ref Unsafe.Add(ref o, 2 * BlockSize), x2);
        Unsafe.WriteUnaligned(ref Unsafe.Add(ref o, 3 * BlockSize), x3);
        Unsafe.WriteUnaligned(ref Unsafe.Add(ref o, 4 * BlockSize), x4);
        Unsafe.WriteUnaligned(ref Unsafe.Add(ref o, 5 * BlockSize), x5);
        Unsafe.WriteUnaligned(ref Unsafe.Add(ref o, 6 * BlockSize), x6);
        Unsafe.WriteUnaligned(ref Unsafe.Add(ref o, 7 * BlockSize), x7);
        Unsafe.WriteUnaligned(ref Unsafe.Add(ref o, 8 * BlockSize), x8);
        Unsafe.WriteUnaligned(ref Unsafe.Add(ref o, 9 * BlockSize), x9);
        Unsafe.WriteUnaligned(ref Unsafe.Add(ref o, 10 * BlockSize), x10);
        Unsafe.WriteUnaligned(ref Unsafe.Add(ref o, 11 * BlockSize), x11);
        Unsafe.WriteUnaligned(ref Unsafe.Add(ref o, 12 * BlockSize), x12);
        Unsafe.WriteUnaligned(ref Unsafe.Add(ref o, 13 * BlockSize), x13);
        Unsafe.WriteUnaligned(ref Unsafe.Add(ref o, 14 * BlockSize), x14);
        Unsafe.WriteUnaligned(ref Unsafe.Add(ref o, 15 * BlockSize), x15);
    }

    /// <summary>Four independent quarter rounds (§2.1), interleaved step by step so the CPU overlaps them.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    [SuppressMessage("Major Code Smell", "S107", Justification = "Four quarter rounds' state words, kept in registers.")]
    private static void QuarterRound4(
        ref Vector512<uint> a0, ref Vector512<uint> b0, ref Vector512<uint> c0, ref Vector512<uint> d0,
        ref Vector512<uint> a1, ref Vector512<uint> b1, ref Vector512<uint> c1, ref Vector512<uint> d1,
        ref Vector512<uint> a2, ref Vector512<uint> b2, ref Vector512<uint> c2, ref Vector512<uint> d2,
        ref Vector512<uint> a3, ref Vector512<uint> b3, ref Vector512<uint> c3, ref Vector512<uint> d3)
    {
        a0 += b0; a1 += b1; a2 += b2; a3 += b3;
        d0 = Avx512F.RotateLeft(d0 ^ a0, 16); d1 = Avx512F.RotateLeft(d1 ^ a1, 16);
        d2 = Avx512F.RotateLeft(d2 ^ a2, 16); d3 = Avx512F.RotateLeft(d3 ^ a3, 16);
        c0 += d0; c1 += d1; c2 += d2; c3 += d3;
        b0 = Avx512F.RotateLeft(b0 ^ c0, 12); b1 = Avx512F.RotateLeft(b1 ^ c1, 12);
        b2 = Avx512F.RotateLeft(b2 ^ c2, 12); b3 = Avx512F.RotateLeft(b3 ^ c3, 12);
        a0 += b0; a1 += b1; a2 += b2; a3 += b3;
        d0 = Avx512F.RotateLeft(d0 ^ a0, 8); d1 = Avx512F.RotateLeft(d1 ^ a1, 8);
        d2 = Avx512F.RotateLeft(d2 ^ a2, 8); d3 = Avx512F.RotateLeft(d3 ^ a3, 8);
        c0 += d0; c1 += d1; c2 += d2; c3 += d3;
        b0 = Avx512F.RotateLeft(b0 ^ c0, 7); b1 = Avx512F.RotateLeft(b1 ^ c1, 7);
        b2 = Avx512F.RotateLeft(b2 ^ c2, 7); b3 = Avx512F.RotateLeft(b3 ^ c3, 7);
    }

    // Transpose step for bit b between rows r (bit clear) and r|b: the element at (row, column) moves to the position
    // with bit b of the row and of the column exchanged. Each output is one two-source permute (vpermt2d); index
    // values ≥ 16 select from the second vector.
    private static readonly Vector512<uint> Low1 = SwapIndices(1, high: false), High1 = SwapIndices(1, high: true);
    private static readonly Vector512<uint> Low2 = SwapIndices(2, high: false), High2 = SwapIndices(2, high: true);
    private static readonly Vector512<uint> Low4 = SwapIndices(4, high: false), High4 = SwapIndices(4, high: true);
    private static readonly Vector512<uint> Low8 = SwapIndices(8, high: false), High8 = SwapIndices(8, high: true);

    private static Vector512<uint> SwapIndices(int bit, bool high)
    {
        Span<uint> indices = stackalloc uint[Lanes];
        for (int column = 0; column < Lanes; column++)
        {
            bool set = (column & bit) != 0;
            indices[column] = high
                ? (set ? (uint)(Lanes + column) : (uint)(column ^ bit))
                : (set ? (uint)(Lanes + (column ^ bit)) : (uint)column);
        }

        return Vector512.Create<uint>(indices);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Swap(ref Vector512<uint> low, ref Vector512<uint> high, Vector512<uint> lowIndices, Vector512<uint> highIndices)
    {
        Vector512<uint> l = Avx512F.PermuteVar16x32x2(low, lowIndices, high);
        Vector512<uint> h = Avx512F.PermuteVar16x32x2(low, highIndices, high);
        low = l;
        high = h;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Swap1(ref Vector512<uint> low, ref Vector512<uint> high) => Swap(ref low, ref high, Low1, High1);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Swap2(ref Vector512<uint> low, ref Vector512<uint> high) => Swap(ref low, ref high, Low2, High2);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Swap4(ref Vector512<uint> low, ref Vector512<uint> high) => Swap(ref low, ref high, Low4, High4);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Swap8(ref Vector512<uint> low, ref Vector512<uint> high) => Swap(ref low, ref high, Low8, High8);
}
