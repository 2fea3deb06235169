using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.X86;
using System.Security.Cryptography;

namespace Alknet.Ssh.Crypto;

/// <summary>
/// Poly1305 (RFC 8439 §2.5) in managed code, one message per call: the scalar radix-2^64 form, and for longer messages
/// <see cref="Poly1305Avx2"/> over the leading 128-byte chunks.
/// </summary>
/// <remarks>
/// <para>Why not only OpenSSL's EVP MAC: chacha20-poly1305@openssh.com MACs one packet per call under a fresh key, and
/// EVP_MAC's init, update and final cost ≈ 0.09 µs before any hashing. For short packets that fixed cost dominates;
/// at ≈ 1 KiB the vector kernel is only as fast as EVP, whose code on this CPU uses AVX-512 IFMA (52-bit multiply-add,
/// about half the cycles per block of 32-bit vpmuludq), and beyond ≈ 1.3 KiB EVP is faster
/// (<see cref="FasterThanEvpUpTo"/>).</para>
/// <para>The scalar form is OpenSSL's portable base 2^64 code (poly1305.c): h in three 64-bit words (the third
/// holds bits 128 and up, a few bits), r clamped so that r1 is a multiple of 4, which lets h1·r1·2^128 be folded back
/// as h1·(r1 + r1/4) (2^130 ≡ 5), and h only partially reduced between blocks. Carries are computed with unsigned
/// comparisons, which the JIT turns into flag reads (setb/adc), not branches, so the time does not depend on the
/// data.</para>
/// </remarks>
internal static class Poly1305
{
    public const int KeySize = 32;
    public const int TagSize = 16;
    public const int BlockSize = 16;

    /// <summary>
    /// The fastest kernel for this CPU (as the runtime reports it). The vector kernel keeps 19 vectors live in its loop
    /// (two sets of five limbs, the multiplier and four of its multiples of 5): that fits AVX-512's 32 registers, but
    /// with AVX2's 16 it spills and measured slower than the EVP MAC (1036 bytes: 0.24–0.33 against 0.20–0.30 µs, with
    /// OpenSSL on its full instruction set or limited to AVX2), so there the scalar form is the choice.
    /// </summary>
    public static Poly1305Kernel Best => Avx512F.VL.IsSupported && Poly1305Avx2.IsSupported ? Poly1305Kernel.Avx2 : Poly1305Kernel.Scalar;

    /// <summary>
    /// Longest message for which <paramref name="kernel"/> beats OpenSSL's EVP MAC on this machine (tight loop, best of
    /// 200 × 2000, several runs; EVP's init, update and final cost ≈ 0.09 µs before any hashing). The vector kernel
    /// against EVP: 16 bytes 0.03 against 0.09 µs, 1036 bytes 0.187–0.190 against 0.203–0.205 µs, 1152 bytes
    /// 0.186–0.190 against 0.188–0.195 µs, 1536 bytes 0.225–0.245 against 0.217–0.232 µs (OpenSSL's code uses AVX-512
    /// IFMA here, which .NET 10 does not expose). The scalar form: 64 bytes 0.06 against 0.11–0.15 µs, 256 bytes
    /// 0.13–0.16 against 0.13–0.17 µs, 512 bytes 0.24 against 0.14–0.20 µs.
    /// </summary>
    public static int FasterThanEvpUpTo(Poly1305Kernel kernel) => kernel == Poly1305Kernel.Avx2 ? 1280 : 256;

    /// <summary>Whether this CPU can run <paramref name="kernel"/>.</summary>
    public static bool Supports(Poly1305Kernel kernel) => kernel switch
    {
        Poly1305Kernel.Scalar => true,
        Poly1305Kernel.Avx2 => Poly1305Avx2.IsSupported,
        _ => false,
    };

    /// <summary>Writes the 16-byte tag of <paramref name="message"/> under the one-time <paramref name="key"/>.</summary>
    public static void Mac(ReadOnlySpan<byte> key, ReadOnlySpan<byte> message, Span<byte> tag) => Mac(Best, key, message, tag);

    /// <summary><see cref="Mac(ReadOnlySpan{byte}, ReadOnlySpan{byte}, Span{byte})"/> with a chosen kernel (tests force each).</summary>
    public static void Mac(Poly1305Kernel kernel, ReadOnlySpan<byte> key, ReadOnlySpan<byte> message, Span<byte> tag)
    {
        LibCrypto.CheckLength(key.Length, KeySize, nameof(key));
        LibCrypto.CheckLength(tag.Length, TagSize, nameof(tag));
        if (!Supports(kernel))
        {
            throw new PlatformNotSupportedException($"This CPU cannot run the {kernel} Poly1305 kernel.");
        }

        var state = new Poly1305State(key);
        if (kernel == Poly1305Kernel.Avx2 && message.Length >= Poly1305Avx2.MinimumLength)
        {
            int vector = message.Length & -Poly1305Avx2.ChunkSize;
            Poly1305Avx2.Blocks(ref state, message[..vector]);
            message = message[vector..];
        }

        int full = message.Length & -BlockSize;
        Blocks(ref state, message[..full], 1);
        if (full < message.Length)
        {
            // The last, partial block: its bytes, then 0x01, then zeros (§2.5.1), and no 2^128 bit.
            Span<byte> last = stackalloc byte[BlockSize];
            last.Clear();
            message[full..].CopyTo(last);
            last[message.Length - full] = 1;
            Blocks(ref state, last, 0);
            CryptographicOperations.ZeroMemory(last);
        }

        Emit(ref state, key[16..], tag);
        CryptographicOperations.ZeroMemory(MemoryMarshal.AsBytes(new Span<Poly1305State>(ref state)));
    }

    /// <summary>
    /// h = (h + m)·r for each 16-byte block m of <paramref name="blocks"/> (a multiple of 16 bytes), with
    /// <paramref name="padBit"/> as bit 128 of m (1 for full message blocks, 0 for the padded last one).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void Blocks(ref Poly1305State state, ReadOnlySpan<byte> blocks, ulong padBit)
    {
        ulong r0 = state.R0, r1 = state.R1, s1 = r1 + (r1 >> 2);
        ulong h0 = state.H0, h1 = state.H1, h2 = state.H2;
        ref byte p = ref MemoryMarshal.GetReference(blocks);
        for (nuint i = 0, n = (nuint)(blocks.Length & -BlockSize); i < n; i += BlockSize)
        {
            ulong m0 = ReadLittleEndian(ref Unsafe.Add(ref p, i));
            ulong m1 = ReadLittleEndian(ref Unsafe.Add(ref p, i + 8));
            h0 += m0;
            ulong c = h0 < m0 ? 1UL : 0UL;
            h1 += c;
            c = h1 < c ? 1UL : 0UL;
            h1 += m1;
            c += h1 < m1 ? 1UL : 0UL;
            h2 += c + padBit;
            MultiplyByR(ref h0, ref h1, ref h2, r0, r1, s1);
        }

        state.H0 = h0;
        state.H1 = h1;
        state.H2 = h2;
    }

    /// <summary>
    /// h = h·r, partially reduced (h2 ≤ 4 after it, for any h2 ≤ 7 before). r must be clamped: r1 a multiple of 4,
    /// s1 = r1 + r1/4.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void MultiplyByR(ref ulong h0, ref ulong h1, ref ulong h2, ulong r0, ulong r1, ulong s1)
    {
        // d0 = h0·r0 + h1·s1, d1 = h0·r1 + h1·r0 + h2·s1, d2 = h2·r0 (each 128 bits but the last; h2 is small).
        // Math.BigMul's UInt128 form stays in registers (mulx); its out-parameter form goes through the stack.
        UInt128 a = Math.BigMul(h0, r0), b = Math.BigMul(h1, s1);
        ulong d0l = (ulong)a + (ulong)b;
        ulong d0h = (ulong)(a >> 64) + (ulong)(b >> 64) + (d0l < (ulong)b ? 1UL : 0UL);
        a = Math.BigMul(h0, r1);
        b = Math.BigMul(h1, r0);
        ulong d1l = (ulong)a + (ulong)b;
        ulong d1h = (ulong)(a >> 64) + (ulong)(b >> 64) + (d1l < (ulong)b ? 1UL : 0UL);
        ulong tl = h2 * s1;
        d1l += tl;
        d1h += d1l < tl ? 1UL : 0UL;
        ulong d2 = h2 * r0;

        // h = d2·2^128 + d1·2^64 + d0, then the bits from 130 up folded back times 5.
        d1l += d0h;
        d1h += d1l < d0h ? 1UL : 0UL;
        d2 += d1h;
        h0 = d0l;
        h1 = d1l;
        ulong c = (d2 >> 2) + (d2 & ~3UL);
        h2 = d2 & 3;
        h0 += c;
        c = h0 < c ? 1UL : 0UL;
        h1 += c;
        c = h1 < c ? 1UL : 0UL;
        h2 += c;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static ulong ReadLittleEndian(ref byte source)
    {
        ulong value = Unsafe.ReadUnaligned<ulong>(ref source);
        return BitConverter.IsLittleEndian ? value : BinaryPrimitives.ReverseEndianness(value);
    }

    /// <summary>tag = ((h mod 2^130 − 5) + s) mod 2^128, with s the key's second half.</summary>
    private static void Emit(ref Poly1305State state, ReadOnlySpan<byte> s, Span<byte> tag)
    {
        ulong h0 = state.H0, h1 = state.H1, h2 = state.H2;

        // h is below 2^130 + 2^128, so at most one p has to come off: h − p = h + 5 − 2^130, taken when that carries
        // into bit 130 (a mask, not a branch).
        ulong g0 = h0 + 5;
        ulong c = g0 < 5 ? 1UL : 0UL;
        ulong g1 = h1 + c;
        c = g1 < c ? 1UL : 0UL;
        ulong g2 = h2 + c;
        ulong mask = 0UL - (g2 >> 2);
        h0 = (h0 & ~mask) | (g0 & mask);
        h1 = (h1 & ~mask) | (g1 & mask);

        ulong s0 = BinaryPrimitives.ReadUInt64LittleEndian(s);
        ulong s1 = BinaryPrimitives.ReadUInt64LittleEndian(s[8..]);
        h0 += s0;
        c = h0 < s0 ? 1UL : 0UL;
        h1 += s1 + c;
        BinaryPrimitives.WriteUInt64LittleEndian(tag, h0);
        BinaryPrimitives.WriteUInt64LittleEndian(tag[8..], h1);
    }
}

/// <summary>Poly1305's running state: the clamped r, and the accumulator h (h2 holds bits 128 and up).</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct Poly1305State
{
    public ulong R0;
    public ulong R1;
    public ulong H0;
    public ulong H1;
    public ulong H2;

    /// <summary>r from the key's first 16 bytes, clamped (§2.5.1); h = 0.</summary>
    public Poly1305State(ReadOnlySpan<byte> key)
    {
        R0 = BinaryPrimitives.ReadUInt64LittleEndian(key) & 0x0FFFFFFC0FFFFFFFUL;
        R1 = BinaryPrimitives.ReadUInt64LittleEndian(key[8..]) & 0x0FFFFFFC0FFFFFFCUL;
    }
}

/// <summary>Which Poly1305 code computes the tag.</summary>
internal enum Poly1305Kernel
{
    /// <summary>Radix 2^64 with 64×64→128-bit multiplications, one block at a time.</summary>
    Scalar,

    /// <summary>Four blocks at a time in radix 2^26 with 256-bit vectors, the rest scalar.</summary>
    Avx2,
}
