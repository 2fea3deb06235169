using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Alknet.Ssh.Crypto;

/// <summary>
/// Poly1305 over 128-byte chunks, eight blocks at a time: radix 2^26 (five 26-bit limbs per 64-bit vector lane) with
/// 32×32→64-bit vector multiplications (vpmuludq), as OpenSSL's poly1305-x86_64 AVX2 code does.
/// </summary>
/// <remarks>
/// <para>Each chunk's eight blocks go to two independent sets of four lanes (A: blocks 0–3, B: blocks 4–7), each lane
/// multiplied by r^8 per chunk; the last chunk multiplies the lanes by r^8 … r instead, after which the sum of all
/// eight lanes is the ordinary Horner state. Two sets, because one set's multiply-and-carry chain (≈ 30 cycles per
/// chunk) is longer than the time the CPU needs to issue its 25 multiplications: with four lanes only, the kernel took
/// ≈ 8.5 cycles per block, with two ≈ 5.8, where the vector units are busy (50 vpmuludq and ≈ 115 other vector
/// instructions per chunk). The limbs are only partially carried between chunks (each below 2^27), which keeps every
/// product below 2^56 and every sum of five below 2^59, and every multiplier input below 2^32.</para>
/// <para>The scalar radix-2^64 form runs its multiply chain one block at a time (≈ 25 cycles per block here); this
/// kernel's per-message cost is computing r^2 … r^8 (one scalar and two vector multiplications) and the final sum.</para>
/// </remarks>
internal static class Poly1305Avx2
{
    /// <summary>Bytes per loop step: eight 16-byte blocks.</summary>
    public const int ChunkSize = 128;

    /// <summary>Shortest message the kernel is used for; below it the scalar form is faster (measured).</summary>
    public const int MinimumLength = 256;

    private const ulong Mask26 = (1UL << 26) - 1;

    public static bool IsSupported => Avx2.IsSupported;

    /// <summary>
    /// Absorbs <paramref name="chunks"/> (a non-zero multiple of 128 bytes, full blocks) into <paramref name="state"/>,
    /// exactly as <see cref="Poly1305.Blocks"/> would with pad bit 1.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Blocks(ref Poly1305State state, ReadOnlySpan<byte> chunks)
    {
        if (!IsSupported)
        {
            throw new PlatformNotSupportedException("The vector Poly1305 kernel needs AVX2.");
        }

        if (chunks.IsEmpty || chunks.Length % ChunkSize != 0)
        {
            throw new ArgumentException("A non-zero multiple of 128 bytes is needed.", nameof(chunks));
        }

        // r^2 with the scalar multiplication (r is clamped, so h·r applies to any h); then in vector lanes
        // (r^3, r^4) = (r^2, r^2)·(r, r^2) and (r^5 … r^8) = r^4·(r … r^4).
        ulong r0 = state.R0, r1 = state.R1, s1 = r1 + (r1 >> 2);
        ulong q0 = r0, q1 = r1, q2 = 0;
        Poly1305.MultiplyByR(ref q0, ref q1, ref q2, r0, r1, s1);
        Limbs(r0, r1, 0, out ulong e0, out ulong e1, out ulong e2, out ulong e3, out ulong e4);
        Limbs(q0, q1, q2, out ulong b0, out ulong b1, out ulong b2, out ulong b3, out ulong b4);
        Vector256<ulong> x0 = Vector256.Create(b0), x1 = Vector256.Create(b1), x2 = Vector256.Create(b2);
        Vector256<ulong> x3 = Vector256.Create(b3), x4 = Vector256.Create(b4);
        Vector256<ulong> y0 = Vector256.Create(e0, b0, 0, 0), y1 = Vector256.Create(e1, b1, 0, 0);
        Vector256<ulong> y2 = Vector256.Create(e2, b2, 0, 0), y3 = Vector256.Create(e3, b3, 0, 0);
        Vector256<ulong> y4 = Vector256.Create(e4, b4, 0, 0);
        Multiply(ref x0, ref x1, ref x2, ref x3, ref x4, y0, y1, y2, y3, y4, Times5(y1), Times5(y2), Times5(y3), Times5(y4));

        // p = (r, r^2, r^3, r^4) and o = r^4 in every lane, then o = (r^5 … r^8).
        const byte Lane1 = 0x55;
        Vector256<ulong> p0 = Vector256.Create(e0, b0, x0.GetElement(0), x0.GetElement(1));
        Vector256<ulong> p1 = Vector256.Create(e1, b1, x1.GetElement(0), x1.GetElement(1));
        Vector256<ulong> p2 = Vector256.Create(e2, b2, x2.GetElement(0), x2.GetElement(1));
        Vector256<ulong> p3 = Vector256.Create(e3, b3, x3.GetElement(0), x3.GetElement(1));
        Vector256<ulong> p4 = Vector256.Create(e4, b4, x4.GetElement(0), x4.GetElement(1));
        Vector256<ulong> o0 = Avx2.Permute4x64(x0, Lane1), o1 = Avx2.Permute4x64(x1, Lane1), o2 = Avx2.Permute4x64(x2, Lane1);
        Vector256<ulong> o3 = Avx2.Permute4x64(x3, Lane1), o4 = Avx2.Permute4x64(x4, Lane1);
        Multiply(ref o0, ref o1, ref o2, ref o3, ref o4, p0, p1, p2, p3, p4, Times5(p1), Times5(p2), Times5(p3), Times5(p4));

        // Loop multiplier: r^8 in every lane. Last chunk: set A's lanes hold blocks 0, 2, 1, 3 and set B's 4, 6, 5, 7
        // (see Add), so A takes r^8, r^6, r^7, r^5 and B r^4, r^2, r^3, r.
        const byte Lanes3120 = 0x27, Lane3 = 0xFF;
        Vector256<ulong> k0 = Avx2.Permute4x64(o0, Lane3), k1 = Avx2.Permute4x64(o1, Lane3), k2 = Avx2.Permute4x64(o2, Lane3);
        Vector256<ulong> k3 = Avx2.Permute4x64(o3, Lane3), k4 = Avx2.Permute4x64(o4, Lane3);
        Vector256<ulong> ks1 = Times5(k1), ks2 = Times5(k2), ks3 = Times5(k3), ks4 = Times5(k4);

        // The incoming h joins set A's lane 0 (each chunk's first block), which is multiplied by r^8 once per chunk.
        Limbs(state.H0, state.H1, state.H2, out ulong g0, out ulong g1, out ulong g2, out ulong g3, out ulong g4);
        Vector256<ulong> h0 = Vector256.Create(g0, 0, 0, 0), h1 = Vector256.Create(g1, 0, 0, 0);
        Vector256<ulong> h2 = Vector256.Create(g2, 0, 0, 0), h3 = Vector256.Create(g3, 0, 0, 0);
        Vector256<ulong> h4 = Vector256.Create(g4, 0, 0, 0);
        Vector256<ulong> u0 = Vector256<ulong>.Zero, u1 = Vector256<ulong>.Zero, u2 = Vector256<ulong>.Zero;
        Vector256<ulong> u3 = Vector256<ulong>.Zero, u4 = Vector256<ulong>.Zero;

        ref byte m = ref MemoryMarshal.GetReference(chunks);
        int last = chunks.Length - ChunkSize;
        for (int i = 0; i < last; i += ChunkSize)
        {
            Add(ref h0, ref h1, ref h2, ref h3, ref h4, ref Unsafe.Add(ref m, i));
            Add(ref u0, ref u1, ref u2, ref u3, ref u4, ref Unsafe.Add(ref m, i + 64));
            Multiply(ref h0, ref h1, ref h2, ref h3, ref h4, k0, k1, k2, k3, k4, ks1, ks2, ks3, ks4);
            Multiply(ref u0, ref u1, ref u2, ref u3, ref u4, k0, k1, k2, k3, k4, ks1, ks2, ks3, ks4);
        }

        Add(ref h0, ref h1, ref h2, ref h3, ref h4, ref Unsafe.Add(ref m, last));
        Add(ref u0, ref u1, ref u2, ref u3, ref u4, ref Unsafe.Add(ref m, last + 64));
        Vector256<ulong> f0 = Avx2.Permute4x64(o0, Lanes3120), f1 = Avx2.Permute4x64(o1, Lanes3120);
        Vector256<ulong> f2 = Avx2.Permute4x64(o2, Lanes3120), f3 = Avx2.Permute4x64(o3, Lanes3120);
        Vector256<ulong> f4 = Avx2.Permute4x64(o4, Lanes3120);
        Multiply(ref h0, ref h1, ref h2, ref h3, ref h4, f0, f1, f2, f3, f4, Times5(f1), Times5(f2), Times5(f3), Times5(f4));
        f0 = Avx2.Permute4x64(p0, Lanes3120);
        f1 = Avx2.Permute4x64(p1, Lanes3120);
        f2 = Avx2.Permute4x64(p2, Lanes3120);
        f3 = Avx2.Permute4x64(p3, Lanes3120);
        f4 = Avx2.Permute4x64(p4, Lanes3120);
        Multiply(ref u0, ref u1, ref u2, ref u3, ref u4, f0, f1, f2, f3, f4, Times5(f1), Times5(f2), Times5(f3), Times5(f4));

        // Sum the eight lanes (each limb below 2^27, so the sums fit easily), carry into 26-bit limbs and repack.
        ulong t0 = Vector256.Sum(h0 + u0), t1 = Vector256.Sum(h1 + u1), t2 = Vector256.Sum(h2 + u2);
        ulong t3 = Vector256.Sum(h3 + u3), t4 = Vector256.Sum(h4 + u4);
        t1 += t0 >> 26; t0 &= Mask26;
        t2 += t1 >> 26; t1 &= Mask26;
        t3 += t2 >> 26; t2 &= Mask26;
        t4 += t3 >> 26; t3 &= Mask26;
        t0 += (t4 >> 26) * 5; t4 &= Mask26;
        t1 += t0 >> 26; t0 &= Mask26;
        t2 += t1 >> 26; t1 &= Mask26;
        t3 += t2 >> 26; t2 &= Mask26;
        t4 += t3 >> 26; t3 &= Mask26;

        // t0…t3 are now below 2^26 and t4 below 2^26 + 1: the bit fields do not overlap except t4's top bit, which
        // lands in h2.
        state.H0 = t0 | (t1 << 26) | (t2 << 52);
        state.H1 = (t2 >> 12) | (t3 << 14) | (t4 << 40);
        state.H2 = t4 >> 24;
    }

    /// <summary>Splits h0 + h1·2^64 + h2·2^128 into 26-bit limbs (the last one takes all bits from 104 up).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    [SuppressMessage("Major Code Smell", "S107", Justification = "Three words in, five limbs out, all in registers.")]
    private static void Limbs(ulong h0, ulong h1, ulong h2, out ulong l0, out ulong l1, out ulong l2, out ulong l3, out ulong l4)
    {
        l0 = h0 & Mask26;
        l1 = (h0 >> 26) & Mask26;
        l2 = ((h0 >> 52) | (h1 << 12)) & Mask26;
        l3 = (h1 >> 14) & Mask26;
        l4 = (h1 >> 40) | (h2 << 24);
    }

    /// <summary>
    /// h += the four blocks at <paramref name="blocks"/>, with bit 128 set. Lanes get blocks 0, 2, 1, 3: interleaving
    /// the 64-bit halves of two 256-bit loads works within 128-bit lanes.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Add(
        ref Vector256<ulong> h0, ref Vector256<ulong> h1, ref Vector256<ulong> h2, ref Vector256<ulong> h3, ref Vector256<ulong> h4,
        ref byte blocks)
    {
        Vector256<ulong> x = Vector256.LoadUnsafe(ref blocks).AsUInt64();
        Vector256<ulong> y = Vector256.LoadUnsafe(ref Unsafe.Add(ref blocks, 32)).AsUInt64();
        Vector256<ulong> lo = Avx2.UnpackLow(x, y), hi = Avx2.UnpackHigh(x, y);
        Vector256<ulong> mask = Vector256.Create(Mask26);
        h0 += lo & mask;
        h1 += (lo >> 26) & mask;
        h2 += ((lo >> 52) | (hi << 12)) & mask;
        h3 += (hi >> 14) & mask;
        h4 += (hi >> 40) | Vector256.Create(1UL << 24);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<ulong> Times5(Vector256<ulong> x) => x + (x << 2);

    /// <summary>
    /// h = h·r per lane (r in limbs r0…r4, each below 2^27; s_i = 5·r_i, since 2^130 ≡ 5 folds a product landing at
    /// limb 5 + k back to limb k times 5), then a partial carry back to limbs below 2^27.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    [SuppressMessage("Major Code Smell", "S107", Justification = "Five limbs of h, r and 5·r, kept in registers.")]
    private static void Multiply(
        ref Vector256<ulong> h0, ref Vector256<ulong> h1, ref Vector256<ulong> h2, ref Vector256<ulong> h3, ref Vector256<ulong> h4,
        Vector256<ulong> r0, Vector256<ulong> r1, Vector256<ulong> r2, Vector256<ulong> r3, Vector256<ulong> r4,
        Vector256<ulong> s1, Vector256<ulong> s2, Vector256<ulong> s3, Vector256<ulong> s4)
    {
        Vector256<ulong> d0 = (Mul(h0, r0) + Mul(h1, s4)) + (Mul(h2, s3) + Mul(h3, s2)) + Mul(h4, s1);
        Vector256<ulong> d1 = (Mul(h0, r1) + Mul(h1, r0)) + (Mul(h2, s4) + Mul(h3, s3)) + Mul(h4, s2);
        Vector256<ulong> d2 = (Mul(h0, r2) + Mul(h1, r1)) + (Mul(h2, r0) + Mul(h3, s4)) + Mul(h4, s3);
        Vector256<ulong> d3 = (Mul(h0, r3) + Mul(h1, r2)) + (Mul(h2, r1) + Mul(h3, r0)) + Mul(h4, s4);
        Vector256<ulong> d4 = (Mul(h0, r4) + Mul(h1, r3)) + (Mul(h2, r2) + Mul(h3, r1)) + Mul(h4, r0);

        // Two interleaved carry chains (d3 → d4 → d0 → d1 and d0 → d1 → d2 → d3 → d4), as in OpenSSL.
        Vector256<ulong> mask = Vector256.Create(Mask26);
        Vector256<ulong> c = d3 >> 26; d3 &= mask; d4 += c;
        c = d0 >> 26; d0 &= mask; d1 += c;
        c = d4 >> 26; d4 &= mask; d0 += c + (c << 2);
        c = d1 >> 26; d1 &= mask; d2 += c;
        c = d2 >> 26; d2 &= mask; d3 += c;
        c = d0 >> 26; d0 &= mask; d1 += c;
        c = d3 >> 26; d3 &= mask; d4 += c;
        h0 = d0;
        h1 = d1;
        h2 = d2;
        h3 = d3;
        h4 = d4;
    }

    /// <summary>Low 32 bits of each 64-bit lane times the other's (vpmuludq).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<ulong> Mul(Vector256<ulong> a, Vector256<ulong> b) => Avx2.Multiply(a.AsUInt32(), b.AsUInt32());
}
