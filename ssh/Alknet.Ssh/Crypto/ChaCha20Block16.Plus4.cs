using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Alknet.Ssh.Crypto;

/// <summary>
/// The 16-lane AVX-512 pass with four more blocks computed in the same loop, in the "row" layout (one 512-bit vector
/// per state row, each 128-bit lane one block).
/// </summary>
/// <remarks>
/// A 1 KiB packet needs 19 blocks. A second, separate pass for the last 3 costs as much as the first one (both are
/// bound by the latency of the quarter-round chain, not by the vector units), whereas here the four extra blocks are
/// 4 registers and 15 instructions per round that run in the first pass's latency shadow.
/// </remarks>
internal static partial class ChaCha20Block16
{
    /// <summary>Rows of the 4-block row-layout state: row r holds words 4r … 4r + 3 of blocks 0–3, one per 128-bit lane.</summary>
    public const int RowCount = 4;

    /// <summary>Bytes of keystream <see cref="ComputePlus4"/> produces: 16 lanes, then the 4 row-layout blocks.</summary>
    public const int OutputSizePlus4 = OutputSize + 4 * BlockSize;

    // Word 3 of each 128-bit lane: state word 15 of each row-layout block.
    private static readonly Vector512<uint> Word3 = Vector512.Create(0, 0, 0, uint.MaxValue, 0, 0, 0, uint.MaxValue,
        0, 0, 0, uint.MaxValue, 0, 0, 0, uint.MaxValue);

    /// <summary>
    /// Row-layout rows for four blocks under one key: constants, key, and in row 3 the block counters
    /// <paramref name="firstCounter"/> … firstCounter + 3 (words 12, one per block) with words 13–15 zero.
    /// </summary>
    public static void SetKeyRows(Span<Vector512<uint>> rows, ReadOnlySpan<byte> key, uint firstCounter)
    {
        LibCrypto.CheckLength(rows.Length, RowCount, nameof(rows));
        LibCrypto.CheckLength(key.Length, 32, nameof(key));
        Vector128<uint> k0 = Vector128.Create(
            BinaryPrimitives.ReadUInt32LittleEndian(key), BinaryPrimitives.ReadUInt32LittleEndian(key[4..]),
            BinaryPrimitives.ReadUInt32LittleEndian(key[8..]), BinaryPrimitives.ReadUInt32LittleEndian(key[12..]));
        Vector128<uint> k1 = Vector128.Create(
            BinaryPrimitives.ReadUInt32LittleEndian(key[16..]), BinaryPrimitives.ReadUInt32LittleEndian(key[20..]),
            BinaryPrimitives.ReadUInt32LittleEndian(key[24..]), BinaryPrimitives.ReadUInt32LittleEndian(key[28..]));
        rows[0] = Vector512.Create(Vector128.Create(Sigma0, Sigma1, Sigma2, Sigma3));
        rows[1] = Vector512.Create(k0);
        rows[2] = Vector512.Create(k1);
        rows[3] = Vector512.Create(
            firstCounter, 0, 0, 0, firstCounter + 1, 0, 0, 0, firstCounter + 2, 0, 0, 0, firstCounter + 3, 0, 0, 0);
    }

    /// <summary>
    /// Row 3 with word 15 of every block set to the byte-swapped sequence number: the 64-bit nonce as in the lane
    /// layout (word 14, the nonce's high half, stays zero).
    /// </summary>
    public static Vector512<uint> RowNonce(Vector512<uint> row3, uint sequenceNumber) =>
        Vector512.ConditionalSelect(Word3, Vector512.Create(BinaryPrimitives.ReverseEndianness(sequenceNumber)), row3);

    /// <summary>
    /// Writes the 16 lane blocks of <paramref name="state"/> (as <see cref="Compute(ReadOnlySpan{Vector512{uint}}, Span{byte})"/>)
    /// to keystream bytes 0–1023 and the 4 blocks of <paramref name="rows"/> to bytes 1024–1279. Needs AVX-512.
    /// </summary>
    public static void ComputePlus4(ReadOnlySpan<Vector512<uint>> state, ReadOnlySpan<Vector512<uint>> rows, Span<byte> keystream)
    {
        LibCrypto.CheckLength(state.Length, Lanes, nameof(state));
        LibCrypto.CheckLength(rows.Length, RowCount, nameof(rows));
        LibCrypto.CheckLength(keystream.Length, OutputSizePlus4, nameof(keystream));
        if (!Avx512F.IsSupported)
        {
            throw new PlatformNotSupportedException("The fused ChaCha20 pass needs AVX-512.");
        }

        Compute16Plus4(state, rows, keystream);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Compute16Plus4(ReadOnlySpan<Vector512<uint>> state, ReadOnlySpan<Vector512<uint>> rows, Span<byte> keystream)
    {
        Vector512<uint> x0 = state[0], x1 = state[1], x2 = state[2], x3 = state[3];
        Vector512<uint> x4 = state[4], x5 = state[5], x6 = state[6], x7 = state[7];
        Vector512<uint> x8 = state[8], x9 = state[9], x10 = state[10], x11 = state[11];
        Vector512<uint> x12 = state[12], x13 = state[13], x14 = state[14], x15 = state[15];
        Vector512<uint> a = rows[0], b = rows[1], c = rows[2], d = rows[3];

        for (int i = 0; i < 10; i++)
        {
            QuarterRound4(ref x0, ref x4, ref x8, ref x12, ref x1, ref x5, ref x9, ref x13,
                ref x2, ref x6, ref x10, ref x14, ref x3, ref x7, ref x11, ref x15);
            RowRound(ref a, ref b, ref c, ref d);

            // Diagonal round in the row layout: rotate rows 1–3 by 1, 2, 3 words so the diagonals become columns.
            b = Avx512F.Shuffle(b, 0x39);
            c = Avx512F.Shuffle(c, 0x4E);
            d = Avx512F.Shuffle(d, 0x93);
            QuarterRound4(ref x0, ref x5, ref x10, ref x15, ref x1, ref x6, ref x11, ref x12,
                ref x2, ref x7, ref x8, ref x13, ref x3, ref x4, ref x9, ref x14);
            RowRound(ref a, ref b, ref c, ref d);
            b = Avx512F.Shuffle(b, 0x93);
            c = Avx512F.Shuffle(c, 0x4E);
            d = Avx512F.Shuffle(d, 0x39);
        }

        a += rows[0]; b += rows[1]; c += rows[2]; d += rows[3];
        ref byte o = ref MemoryMarshal.GetReference(keystream);
        FeedForwardAndStore(state, ref o, ref x0, ref x1, ref x2, ref x3, ref x4, ref x5, ref x6, ref x7,
            ref x8, ref x9, ref x10, ref x11, ref x12, ref x13, ref x14, ref x15);

        // Row layout to blocks: a 4×4 transpose of 128-bit lanes (block j = lane j of a, b, c, d).
        Vector512<uint> ab01 = Avx512F.Shuffle4x128(a, b, 0x44), cd01 = Avx512F.Shuffle4x128(c, d, 0x44);
        Vector512<uint> ab23 = Avx512F.Shuffle4x128(a, b, 0xEE), cd23 = Avx512F.Shuffle4x128(c, d, 0xEE);
        Unsafe.WriteUnaligned(ref Unsafe.Add(ref o, 16 * BlockSize), Avx512F.Shuffle4x128(ab01, cd01, 0x88));
        Unsafe.WriteUnaligned(ref Unsafe.Add(ref o, 17 * BlockSize), Avx512F.Shuffle4x128(ab01, cd01, 0xDD));
        Unsafe.WriteUnaligned(ref Unsafe.Add(ref o, 18 * BlockSize), Avx512F.Shuffle4x128(ab23, cd23, 0x88));
        Unsafe.WriteUnaligned(ref Unsafe.Add(ref o, 19 * BlockSize), Avx512F.Shuffle4x128(ab23, cd23, 0xDD));
    }

    /// <summary>One quarter round (§2.1) on the four columns of four row-layout blocks.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void RowRound(ref Vector512<uint> a, ref Vector512<uint> b, ref Vector512<uint> c, ref Vector512<uint> d)
    {
        a += b; d = Avx512F.RotateLeft(d ^ a, 16);
        c += d; b = Avx512F.RotateLeft(b ^ c, 12);
        a += b; d = Avx512F.RotateLeft(d ^ a, 8);
        c += d; b = Avx512F.RotateLeft(b ^ c, 7);
    }
}
