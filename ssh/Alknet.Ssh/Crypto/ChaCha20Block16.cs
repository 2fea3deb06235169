using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
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
/// <para>Without AVX-512 but with AVX2 the same 16 lane states are computed as two 8-lane halves with 256-bit
/// vectors (<see cref="ChaCha20Kernel.Avx2"/>): ≈ 0.35 µs per 16 blocks against 0.16 µs with AVX-512, measured with the
/// runtime's AVX-512 switched off. It is kept because it beats the EVP path when OpenSSL too is limited to AVX2
/// (1 KiB packet ≈ 1.0 against 1.2–1.6 µs); with OpenSSL still on AVX-512 the two are even at 1 KiB. Without
/// either, <see cref="Best"/> is <see cref="ChaCha20Kernel.None"/> and callers keep the EVP path.</para>
/// </remarks>
internal static partial class ChaCha20Block16
{
    public const int Lanes = 16;
    public const int BlockSize = 64;

    /// <summary>Bytes of keystream one call produces: block j (lane j) at offset 64·j.</summary>
    public const int OutputSize = Lanes * BlockSize;

    // RFC 8439 §2.3: "expand 32-byte k".
    private const uint Sigma0 = 0x61707865, Sigma1 = 0x3320646e, Sigma2 = 0x79622d32, Sigma3 = 0x6b206574;

    /// <summary>The fastest kernel this CPU (as the runtime reports it) can run.</summary>
    public static ChaCha20Kernel Best =>
        Avx512F.IsSupported ? ChaCha20Kernel.Avx512 : Avx2.IsSupported ? ChaCha20Kernel.Avx2 : ChaCha20Kernel.None;

    /// <summary>True when some vector kernel exists (<see cref="Best"/> is not <see cref="ChaCha20Kernel.None"/>).</summary>
    public static bool IsSupported => Best != ChaCha20Kernel.None;

    /// <summary>Whether this CPU can run <paramref name="kernel"/>.</summary>
    public static bool Supports(ChaCha20Kernel kernel) => kernel switch
    {
        ChaCha20Kernel.Avx512 => Avx512F.IsSupported,
        ChaCha20Kernel.Avx2 => Avx2.IsSupported,
        _ => false,
    };

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
    public static void Keystream(ReadOnlySpan<byte> key, uint counter, ReadOnlySpan<byte> nonce, Span<byte> keystream) =>
        Keystream(Best, key, counter, nonce, keystream);

    /// <summary><see cref="Keystream(ReadOnlySpan{byte}, uint, ReadOnlySpan{byte}, Span{byte})"/> with a chosen kernel.</summary>
    public static void Keystream(ChaCha20Kernel kernel, ReadOnlySpan<byte> key, uint counter, ReadOnlySpan<byte> nonce, Span<byte> keystream)
    {
        LibCrypto.CheckLength(nonce.Length, 12, nameof(nonce));
        Span<Vector512<uint>> state = stackalloc Vector512<uint>[Lanes];
        SetKeyRows(state, key);
        state[12] = Vector512.Create(counter) + Vector512<uint>.Indices;
        state[13] = Vector512.Create(BinaryPrimitives.ReadUInt32LittleEndian(nonce));
        state[14] = Vector512.Create(BinaryPrimitives.ReadUInt32LittleEndian(nonce[4..]));
        state[15] = Vector512.Create(BinaryPrimitives.ReadUInt32LittleEndian(nonce[8..]));
        Compute(kernel, state, keystream);
        state.Clear();
    }

    /// <summary>Runs the block function on 16 lane states (row i = word i) and writes 16 keystream blocks.</summary>
    public static void Compute(ReadOnlySpan<Vector512<uint>> state, Span<byte> keystream) => Compute(Best, state, keystream);

    /// <summary>
    /// <see cref="Compute(ReadOnlySpan{Vector512{uint}}, Span{byte})"/> with a chosen kernel. The AVX2 kernel reads
    /// each row as its two 256-bit halves (lanes 0–7, then 8–15), so the state layout is the same for both.
    /// </summary>
    public static void Compute(ChaCha20Kernel kernel, ReadOnlySpan<Vector512<uint>> state, Span<byte> keystream)
    {
        LibCrypto.CheckLength(state.Length, Lanes, nameof(state));
        LibCrypto.CheckLength(keystream.Length, OutputSize, nameof(keystream));
        if (!Supports(kernel))
        {
            throw new PlatformNotSupportedException($"This CPU cannot run the {kernel} ChaCha20 kernel.");
        }

        if (kernel == ChaCha20Kernel.Avx512)
        {
            Compute16(state, keystream);
        }
        else
        {
            // Vector512<uint> is two Vector256<uint> in memory, lower half first: row i's lanes 0–7 are element 2i.
            ReadOnlySpan<Vector256<uint>> halves = MemoryMarshal.Cast<Vector512<uint>, Vector256<uint>>(state);
            Compute8(halves, 0, 2, keystream[..(OutputSize / 2)]);
            Compute8(halves, 1, 2, keystream[(OutputSize / 2)..]);
        }
    }

    /// <summary>
    /// Only lanes 0–7 of <paramref name="state"/>: 8 keystream blocks (512 bytes) with the 8-lane kernel, for a tail
    /// that needs no more (with AVX-512 the 8-lane kernel uses AVX-512VL rotations and 32 registers).
    /// </summary>
    public static void ComputeLow8(ReadOnlySpan<Vector512<uint>> state, Span<byte> keystream)
    {
        LibCrypto.CheckLength(state.Length, Lanes, nameof(state));
        Compute8(MemoryMarshal.Cast<Vector512<uint>, Vector256<uint>>(state), 0, 2, keystream);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Compute16(ReadOnlySpan<Vector512<uint>> state, Span<byte> keystream)
    {
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

        FeedForwardAndStore(state, ref keystream[0], ref x0, ref x1, ref x2, ref x3, ref x4, ref x5, ref x6, ref x7,
            ref x8, ref x9, ref x10, ref x11, ref x12, ref x13, ref x14, ref x15);
    }

    /// <summary>
    /// The end of the 16-lane block function: add the input state (§2.3), transpose so each vector holds one block,
    /// and store the 16 blocks at <paramref name="o"/>. Inlined into each pass, so the words stay in registers.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    [SuppressMessage("Major Code Smell", "S107", Justification = "Sixteen state words, kept in registers.")]
    private static void FeedForwardAndStore(ReadOnlySpan<Vector512<uint>> state, ref byte o,
        ref Vector512<uint> x0, ref Vector512<uint> x1, ref Vector512<uint> x2, ref Vector512<uint> x3,
        ref Vector512<uint> x4, ref Vector512<uint> x5, ref Vector512<uint> x6, ref Vector512<uint> x7,
        ref Vector512<uint> x8, ref Vector512<uint> x9, ref Vector512<uint> x10, ref Vector512<uint> x11,
        ref Vector512<uint> x12, ref Vector512<uint> x13, ref Vector512<uint> x14, ref Vector512<uint> x15)
    {
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

    /// <summary>
    /// The block function for 8 blocks with 256-bit vectors (AVX2): row i is <c>rows[first + i·stride]</c> and holds
    /// word i of the 8 blocks; writes 8 keystream blocks (512 bytes).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void Compute8(ReadOnlySpan<Vector256<uint>> rows, int first, int stride, Span<byte> keystream)
    {
        LibCrypto.CheckLength(keystream.Length, OutputSize / 2, nameof(keystream));
        if (!Avx2.IsSupported)
        {
            throw new PlatformNotSupportedException("The 8-lane ChaCha20 kernel needs AVX2.");
        }

        if ((uint)first >= (uint)stride || rows.Length < 16 * stride)
        {
            throw new ArgumentException("16 rows are needed.", nameof(rows));
        }

        ref Vector256<uint> r = ref Unsafe.Add(ref MemoryMarshal.GetReference(rows), first);
        Vector256<uint> x0 = Unsafe.Add(ref r, 0 * stride), x1 = Unsafe.Add(ref r, 1 * stride);
        Vector256<uint> x2 = Unsafe.Add(ref r, 2 * stride), x3 = Unsafe.Add(ref r, 3 * stride);
        Vector256<uint> x4 = Unsafe.Add(ref r, 4 * stride), x5 = Unsafe.Add(ref r, 5 * stride);
        Vector256<uint> x6 = Unsafe.Add(ref r, 6 * stride), x7 = Unsafe.Add(ref r, 7 * stride);
        Vector256<uint> x8 = Unsafe.Add(ref r, 8 * stride), x9 = Unsafe.Add(ref r, 9 * stride);
        Vector256<uint> x10 = Unsafe.Add(ref r, 10 * stride), x11 = Unsafe.Add(ref r, 11 * stride);
        Vector256<uint> x12 = Unsafe.Add(ref r, 12 * stride), x13 = Unsafe.Add(ref r, 13 * stride);
        Vector256<uint> x14 = Unsafe.Add(ref r, 14 * stride), x15 = Unsafe.Add(ref r, 15 * stride);

        if (Avx512F.VL.IsSupported)
        {
            // 32 vector registers: all 16 rows stay in registers, four quarter rounds interleaved.
            for (int i = 0; i < 10; i++)
            {
                QuarterRound4(ref x0, ref x4, ref x8, ref x12, ref x1, ref x5, ref x9, ref x13,
                    ref x2, ref x6, ref x10, ref x14, ref x3, ref x7, ref x11, ref x15);
                QuarterRound4(ref x0, ref x5, ref x10, ref x15, ref x1, ref x6, ref x11, ref x12,
                    ref x2, ref x7, ref x8, ref x13, ref x3, ref x4, ref x9, ref x14);
            }
        }
        else
        {
            // AVX2 has 16 vector registers: 16 rows plus the rotation temporaries do not fit, and the register
            // allocator then spills inside every step. Rows 8–11 (each quarter round's c) live in memory instead, and
            // two quarter rounds at a time load and store back the two they use.
            Span<Vector256<uint>> c = stackalloc Vector256<uint>[4];
            c[0] = x8;
            c[1] = x9;
            c[2] = x10;
            c[3] = x11;
            for (int i = 0; i < 10; i++)
            {
                QuarterRound2(ref x0, ref x4, ref c[0], ref x12, ref x1, ref x5, ref c[1], ref x13);
                QuarterRound2(ref x2, ref x6, ref c[2], ref x14, ref x3, ref x7, ref c[3], ref x15);
                QuarterRound2(ref x0, ref x5, ref c[2], ref x15, ref x1, ref x6, ref c[3], ref x12);
                QuarterRound2(ref x2, ref x7, ref c[0], ref x13, ref x3, ref x4, ref c[1], ref x14);
            }

            x8 = c[0];
            x9 = c[1];
            x10 = c[2];
            x11 = c[3];
        }

        x0 += Unsafe.Add(ref r, 0 * stride); x1 += Unsafe.Add(ref r, 1 * stride);
        x2 += Unsafe.Add(ref r, 2 * stride); x3 += Unsafe.Add(ref r, 3 * stride);
        x4 += Unsafe.Add(ref r, 4 * stride); x5 += Unsafe.Add(ref r, 5 * stride);
        x6 += Unsafe.Add(ref r, 6 * stride); x7 += Unsafe.Add(ref r, 7 * stride);
        x8 += Unsafe.Add(ref r, 8 * stride); x9 += Unsafe.Add(ref r, 9 * stride);
        x10 += Unsafe.Add(ref r, 10 * stride); x11 += Unsafe.Add(ref r, 11 * stride);
        x12 += Unsafe.Add(ref r, 12 * stride); x13 += Unsafe.Add(ref r, 13 * stride);
        x14 += Unsafe.Add(ref r, 14 * stride); x15 += Unsafe.Add(ref r, 15 * stride);

        // Words 0–7 of block j go to bytes 64·j … 64·j + 31, words 8–15 to the next 32 bytes.
        ref byte o = ref MemoryMarshal.GetReference(keystream);
        Transpose8AndStore(x0, x1, x2, x3, x4, x5, x6, x7, ref o);
        Transpose8AndStore(x8, x9, x10, x11, x12, x13, x14, x15, ref Unsafe.Add(ref o, 32));
    }

    /// <summary>
    /// Transposes an 8×8 word matrix (vector i = word i of blocks 0–7) and stores column j, i.e. 8 consecutive words of
    /// block j, at <c>o + 64·j</c>: interleave 32-bit pairs, then 64-bit pairs, within each 128-bit half; then
    /// combine the halves.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    [SuppressMessage("Major Code Smell", "S107", Justification = "Eight rows of the matrix, kept in registers.")]
    private static void Transpose8AndStore(
        Vector256<uint> r0, Vector256<uint> r1, Vector256<uint> r2, Vector256<uint> r3,
        Vector256<uint> r4, Vector256<uint> r5, Vector256<uint> r6, Vector256<uint> r7, ref byte o)
    {
        Vector256<ulong> t0 = Avx2.UnpackLow(r0, r1).AsUInt64(), t1 = Avx2.UnpackHigh(r0, r1).AsUInt64();
        Vector256<ulong> t2 = Avx2.UnpackLow(r2, r3).AsUInt64(), t3 = Avx2.UnpackHigh(r2, r3).AsUInt64();
        Vector256<ulong> t4 = Avx2.UnpackLow(r4, r5).AsUInt64(), t5 = Avx2.UnpackHigh(r4, r5).AsUInt64();
        Vector256<ulong> t6 = Avx2.UnpackLow(r6, r7).AsUInt64(), t7 = Avx2.UnpackHigh(r6, r7).AsUInt64();

        // u_k: rows 0–3 (or 4–7) of block k in the low 128 bits and of block k + 4 in the high 128 bits.
        Vector256<uint> u0 = Avx2.UnpackLow(t0, t2).AsUInt32(), u1 = Avx2.UnpackHigh(t0, t2).AsUInt32();
        Vector256<uint> u2 = Avx2.UnpackLow(t1, t3).AsUInt32(), u3 = Avx2.UnpackHigh(t1, t3).AsUInt32();
        Vector256<uint> u4 = Avx2.UnpackLow(t4, t6).AsUInt32(), u5 = Avx2.UnpackHigh(t4, t6).AsUInt32();
        Vector256<uint> u6 = Avx2.UnpackLow(t5, t7).AsUInt32(), u7 = Avx2.UnpackHigh(t5, t7).AsUInt32();

        Unsafe.WriteUnaligned(ref Unsafe.Add(ref o, 0 * BlockSize), Avx2.Permute2x128(u0, u4, 0x20));
        Unsafe.WriteUnaligned(ref Unsafe.Add(ref o, 1 * BlockSize), Avx2.Permute2x128(u1, u5, 0x20));
        Unsafe.WriteUnaligned(ref Unsafe.Add(ref o, 2 * BlockSize), Avx2.Permute2x128(u2, u6, 0x20));
        Unsafe.WriteUnaligned(ref Unsafe.Add(ref o, 3 * BlockSize), Avx2.Permute2x128(u3, u7, 0x20));
        Unsafe.WriteUnaligned(ref Unsafe.Add(ref o, 4 * BlockSize), Avx2.Permute2x128(u0, u4, 0x31));
        Unsafe.WriteUnaligned(ref Unsafe.Add(ref o, 5 * BlockSize), Avx2.Permute2x128(u1, u5, 0x31));
        Unsafe.WriteUnaligned(ref Unsafe.Add(ref o, 6 * BlockSize), Avx2.Permute2x128(u2, u6, 0x31));
        Unsafe.WriteUnaligned(ref Unsafe.Add(ref o, 7 * BlockSize), Avx2.Permute2x128(u3, u7, 0x31));
    }

    /// <summary>
    /// Two independent quarter rounds (§2.1) with 256-bit vectors, interleaved step by step; c0 and c1 are memory, read
    /// once into registers and written back once.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    [SuppressMessage("Major Code Smell", "S107", Justification = "Two quarter rounds' state words.")]
    private static void QuarterRound2(
        ref Vector256<uint> a0, ref Vector256<uint> b0, ref Vector256<uint> c0Row, ref Vector256<uint> d0,
        ref Vector256<uint> a1, ref Vector256<uint> b1, ref Vector256<uint> c1Row, ref Vector256<uint> d1)
    {
        a0 += b0; a1 += b1;
        d0 = Rotate16(d0 ^ a0); d1 = Rotate16(d1 ^ a1);
        Vector256<uint> c0 = c0Row + d0, c1 = c1Row + d1;
        b0 = Rotate12(b0 ^ c0); b1 = Rotate12(b1 ^ c1);
        a0 += b0; a1 += b1;
        d0 = Rotate8(d0 ^ a0); d1 = Rotate8(d1 ^ a1);
        c0 += d0; c1 += d1;
        c0Row = c0;
        c1Row = c1;
        b0 = Rotate7(b0 ^ c0); b1 = Rotate7(b1 ^ c1);
    }

    /// <summary>The 8-lane form of the 16-lane quarter rounds below, for 32 registers (AVX-512VL).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    [SuppressMessage("Major Code Smell", "S107", Justification = "Four quarter rounds' state words, kept in registers.")]
    private static void QuarterRound4(
        ref Vector256<uint> a0, ref Vector256<uint> b0, ref Vector256<uint> c0, ref Vector256<uint> d0,
        ref Vector256<uint> a1, ref Vector256<uint> b1, ref Vector256<uint> c1, ref Vector256<uint> d1,
        ref Vector256<uint> a2, ref Vector256<uint> b2, ref Vector256<uint> c2, ref Vector256<uint> d2,
        ref Vector256<uint> a3, ref Vector256<uint> b3, ref Vector256<uint> c3, ref Vector256<uint> d3)
    {
        a0 += b0; a1 += b1; a2 += b2; a3 += b3;
        d0 = Rotate16(d0 ^ a0); d1 = Rotate16(d1 ^ a1); d2 = Rotate16(d2 ^ a2); d3 = Rotate16(d3 ^ a3);
        c0 += d0; c1 += d1; c2 += d2; c3 += d3;
        b0 = Rotate12(b0 ^ c0); b1 = Rotate12(b1 ^ c1); b2 = Rotate12(b2 ^ c2); b3 = Rotate12(b3 ^ c3);
        a0 += b0; a1 += b1; a2 += b2; a3 += b3;
        d0 = Rotate8(d0 ^ a0); d1 = Rotate8(d1 ^ a1); d2 = Rotate8(d2 ^ a2); d3 = Rotate8(d3 ^ a3);
        c0 += d0; c1 += d1; c2 += d2; c3 += d3;
        b0 = Rotate7(b0 ^ c0); b1 = Rotate7(b1 ^ c1); b2 = Rotate7(b2 ^ c2); b3 = Rotate7(b3 ^ c3);
    }

    // 32-bit rotations by whole bytes are one byte shuffle on AVX2 (the masks are constants the JIT folds into the
    // instruction); where AVX-512VL exists (the forced-AVX2 tests on an AVX-512 machine) the JIT folds the check and
    // uses vprold.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<uint> Rotate16(Vector256<uint> x) =>
        Avx512F.VL.IsSupported
            ? Avx512F.VL.RotateLeft(x, 16)
            : Avx2.Shuffle(x.AsByte(), Vector256.Create(
                (byte)2, 3, 0, 1, 6, 7, 4, 5, 10, 11, 8, 9, 14, 15, 12, 13, 2, 3, 0, 1, 6, 7, 4, 5, 10, 11, 8, 9, 14, 15, 12, 13)).AsUInt32();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<uint> Rotate8(Vector256<uint> x) =>
        Avx512F.VL.IsSupported
            ? Avx512F.VL.RotateLeft(x, 8)
            : Avx2.Shuffle(x.AsByte(), Vector256.Create(
                (byte)3, 0, 1, 2, 7, 4, 5, 6, 11, 8, 9, 10, 15, 12, 13, 14, 3, 0, 1, 2, 7, 4, 5, 6, 11, 8, 9, 10, 15, 12, 13, 14)).AsUInt32();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<uint> Rotate12(Vector256<uint> x) =>
        Avx512F.VL.IsSupported ? Avx512F.VL.RotateLeft(x, 12) : Avx2.ShiftLeftLogical(x, 12) | Avx2.ShiftRightLogical(x, 20);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<uint> Rotate7(Vector256<uint> x) =>
        Avx512F.VL.IsSupported ? Avx512F.VL.RotateLeft(x, 7) : Avx2.ShiftLeftLogical(x, 7) | Avx2.ShiftRightLogical(x, 25);

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

/// <summary>Which ChaCha20 block kernel computes the 16 lanes.</summary>
internal enum ChaCha20Kernel
{
    /// <summary>No vector kernel: the packet cipher uses OpenSSL's EVP ChaCha20.</summary>
    None,

    /// <summary>Two 8-lane halves with 256-bit vectors.</summary>
    Avx2,

    /// <summary>One 16-lane pass with 512-bit vectors.</summary>
    Avx512,
}
