using System.Text;
using Alknet.Ssh.Crypto;
using NUnit.Framework;

namespace Alknet.Ssh.Tests.Crypto;

/// <summary>
/// RFC 8439 known answers for the 16-lane ChaCha20 block function, and cross-checks against EVP, for each kernel this
/// CPU can run (AVX-512; AVX2 as two 8-lane halves). On an AVX-512 machine the AVX2 kernel uses AVX-512VL rotations;
/// running the tests with AVX-512 disabled in the runtime (DOTNET_EnableAVX512=0) covers its pure AVX2 form.
/// </summary>
[TestFixture]
public sealed class ChaCha20Block16Tests
{
    /// <summary>Kernel names (the enum is internal, so test parameters carry its names).</summary>
    public static readonly string[] Kernels = [nameof(ChaCha20Kernel.Avx512), nameof(ChaCha20Kernel.Avx2)];

    internal static ChaCha20Kernel Require(string kernelName)
    {
        ChaCha20Kernel kernel = Enum.Parse<ChaCha20Kernel>(kernelName);
        if (!ChaCha20Block16.Supports(kernel))
        {
            Assert.Ignore($"This CPU (as the runtime reports it) cannot run the {kernel} kernel.");
        }

        return kernel;
    }

    private static byte[] Hex(string s) => Convert.FromHexString(s);

    private static byte[] Sequence(byte first, int count) => Enumerable.Range(first, count).Select(i => (byte)i).ToArray();

    // RFC 8439 §2.3.2: key 00..1f, nonce 00000009 0000004a 00000000, block count 1. Lane 0 is that block; lane j is
    // block 1 + j, checked against EVP.
    [Test]
    public void Keystream_Rfc8439Section232_FirstLaneMatchesBlockAndOthersFollow([ValueSource(nameof(Kernels))] string kernelName)
    {
        ChaCha20Kernel kernel = Require(kernelName);
        byte[] key = Sequence(0, 32);
        byte[] nonce = Hex("000000090000004a00000000");
        var keystream = new byte[ChaCha20Block16.OutputSize];
        ChaCha20Block16.Keystream(kernel, key, 1, nonce, keystream);
        Assert.That(Convert.ToHexStringLower(keystream, 0, 64), Is.EqualTo(
            "10f1e7e4d13b5915500fdd1fa32071c4c7d1f4c733c068030422aa9ac3d46c4e" +
            "d2826446079faa0914c2d705d98b02a2b5129cd1de164eb9cbd083e8a2503c4e"));

        var expected = new byte[ChaCha20Block16.OutputSize];
        LibCrypto.ChaCha20(key, 1, nonce, new byte[expected.Length], expected);
        Assert.That(keystream, Is.EqualTo(expected));
    }

    // RFC 8439 §2.4.2: the "sunscreen" plaintext, 114 bytes from block count 1.
    [Test]
    public void Keystream_Rfc8439Section242_EncryptsSunscreen([ValueSource(nameof(Kernels))] string kernelName)
    {
        ChaCha20Kernel kernel = Require(kernelName);
        byte[] plaintext = Encoding.ASCII.GetBytes(
            "Ladies and Gentlemen of the class of '99: If I could offer you only one tip for the future, sunscreen would be it.");
        var keystream = new byte[ChaCha20Block16.OutputSize];
        ChaCha20Block16.Keystream(kernel, Sequence(0, 32), 1, Hex("000000000000004a00000000"), keystream);
        var ciphertext = new byte[plaintext.Length];
        for (int i = 0; i < plaintext.Length; i++)
        {
            ciphertext[i] = (byte)(plaintext[i] ^ keystream[i]);
        }

        Assert.That(Convert.ToHexStringLower(ciphertext), Is.EqualTo(
            "6e2e359a2568f98041ba0728dd0d6981e97e7aec1d4360c20a27afccfd9fae0b" +
            "f91b65c5524733ab8f593dabcd62b3571639d624e65152ab8f530c359f0861d8" +
            "07ca0dbf500d6a6156a38e088a22b65e52bc514d16ccf806818ce91ab7793736" +
            "5af90bbf74a35be6b40b8eedf2785e42874d"));
    }

    // Original ChaCha (draft-agl / OpenSSH's 64-bit nonce) test vector: all-zero key and nonce, counter 0.
    [Test]
    public void Keystream_ZeroKeyAndNonce_MatchesKnownFirstBlock([ValueSource(nameof(Kernels))] string kernelName)
    {
        ChaCha20Kernel kernel = Require(kernelName);
        var keystream = new byte[ChaCha20Block16.OutputSize];
        ChaCha20Block16.Keystream(kernel, new byte[32], 0, new byte[12], keystream);
        Assert.That(Convert.ToHexStringLower(keystream, 0, 64), Is.EqualTo(
            "76b8e0ada0f13d90405d6ae55386bd28bdd219b8a08ded1aa836efcc8b770dc7" +
            "da41597c5157488d7724e03fb8d84a376a43b8f41518a11cc387b669b2ee6586"));
    }

    [Test]
    public void Keystream_RandomKeysNoncesCounters_MatchesEvp([ValueSource(nameof(Kernels))] string kernelName, [Range(0, 15)] int seed)
    {
        ChaCha20Kernel kernel = Require(kernelName);
        byte[] key = CipherTestSupport.Bytes(100 + seed, 32);
        byte[] nonce = CipherTestSupport.Bytes(200 + seed, 12);
        uint counter = (uint)new Random(seed).Next(0, int.MaxValue);
        var keystream = new byte[ChaCha20Block16.OutputSize];
        ChaCha20Block16.Keystream(kernel, key, counter, nonce, keystream);
        var expected = new byte[keystream.Length];
        LibCrypto.ChaCha20(key, counter, nonce, new byte[expected.Length], expected);
        Assert.That(keystream, Is.EqualTo(expected));
    }

    // The two kernels on the same arbitrary lane states (every lane a different key, counter and nonce), as the packet
    // cipher builds them.
    [Test]
    public void Compute_Avx2AndAvx512_AgreeOnArbitraryLaneStates([Range(0, 7)] int seed)
    {
        Require(nameof(ChaCha20Kernel.Avx512));
        Require(nameof(ChaCha20Kernel.Avx2));
        var random = new Random(seed);
        var state = new System.Runtime.Intrinsics.Vector512<uint>[ChaCha20Block16.Lanes];
        var words = new uint[ChaCha20Block16.Lanes];
        for (int row = 0; row < state.Length; row++)
        {
            for (int lane = 0; lane < words.Length; lane++)
            {
                words[lane] = (uint)random.NextInt64(0, 1L << 32);
            }

            state[row] = System.Runtime.Intrinsics.Vector512.Create<uint>(words);
        }

        var a = new byte[ChaCha20Block16.OutputSize];
        var b = new byte[ChaCha20Block16.OutputSize];
        ChaCha20Block16.Compute(ChaCha20Kernel.Avx512, state, a);
        ChaCha20Block16.Compute(ChaCha20Kernel.Avx2, state, b);
        Assert.That(b, Is.EqualTo(a));

        var low = new byte[ChaCha20Block16.OutputSize / 2];
        ChaCha20Block16.ComputeLow8(state, low);
        Assert.That(low, Is.EqualTo(a.AsSpan(0, low.Length).ToArray()), "the 8-lane half pass is lanes 0–7");
    }

    // The fused pass: its 16 lanes equal the plain AVX-512 pass on the same (arbitrary) lane states, and its four
    // row-layout blocks are EVP's keystream at the row counters, for several keys, counters and nonces.
    [Test]
    public void ComputePlus4_LanesMatchComputeAndRowsMatchEvp([Range(0, 7)] int seed)
    {
        Require(nameof(ChaCha20Kernel.Avx512));
        var random = new Random(seed);
        var state = new System.Runtime.Intrinsics.Vector512<uint>[ChaCha20Block16.Lanes];
        var words = new uint[ChaCha20Block16.Lanes];
        for (int row = 0; row < state.Length; row++)
        {
            for (int lane = 0; lane < words.Length; lane++)
            {
                words[lane] = (uint)random.NextInt64(0, 1L << 32);
            }

            state[row] = System.Runtime.Intrinsics.Vector512.Create<uint>(words);
        }

        byte[] key = CipherTestSupport.Bytes(300 + seed, 32);
        uint counter = (uint)random.Next(0, int.MaxValue);
        uint sequence = (uint)random.NextInt64(0, 1L << 32);
        var rows = new System.Runtime.Intrinsics.Vector512<uint>[ChaCha20Block16.RowCount];
        ChaCha20Block16.SetKeyRows(rows, key, counter);
        rows[3] = ChaCha20Block16.RowNonce(rows[3], sequence);

        var fused = new byte[ChaCha20Block16.OutputSizePlus4];
        ChaCha20Block16.ComputePlus4(state, rows, fused);
        var lanes = new byte[ChaCha20Block16.OutputSize];
        ChaCha20Block16.Compute(ChaCha20Kernel.Avx512, state, lanes);
        Assert.That(fused.AsSpan(0, lanes.Length).ToArray(), Is.EqualTo(lanes), "the 16 lanes");

        // Words 13–15 (0, 0, byte-swapped sequence number) as an RFC 8439 nonce: big-endian sequence number last.
        var nonce = new byte[12];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(nonce.AsSpan(8), sequence);
        var expected = new byte[4 * ChaCha20Block16.BlockSize];
        LibCrypto.ChaCha20(key, counter, nonce, new byte[expected.Length], expected);
        Assert.That(fused.AsSpan(lanes.Length).ToArray(), Is.EqualTo(expected), "the four row-layout blocks");
    }
}
