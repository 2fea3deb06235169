using System.Text;
using Alknet.Ssh.Crypto;
using NUnit.Framework;

namespace Alknet.Ssh.Tests.Crypto;

/// <summary>
/// The managed Poly1305 (<see cref="Poly1305"/>), each kernel forced in-process: RFC 8439 known answers, including
/// the §A.3 vectors that exercise carries and the final reduction, and equivalence with OpenSSL's EVP Poly1305
/// (<see cref="Poly1305Mac"/>) over every length from 0 to 2100 bytes. The vector kernel only runs on messages of
/// at least <see cref="Poly1305Avx2.MinimumLength"/> bytes; shorter ones take the scalar form under either kernel.
/// Running the suite with the runtime's AVX-512 off (DOTNET_EnableAVX512=0) covers the AVX2 kernel's pure AVX2 code.
/// </summary>
[TestFixture]
public sealed class Poly1305Tests
{
    /// <summary>Kernel names (the enum is internal, so test parameters carry its names).</summary>
    public static readonly string[] Kernels = [nameof(Poly1305Kernel.Scalar), nameof(Poly1305Kernel.Avx2)];

    private static Poly1305Kernel Require(string kernelName)
    {
        Poly1305Kernel kernel = Enum.Parse<Poly1305Kernel>(kernelName);
        if (!Poly1305.Supports(kernel))
        {
            Assert.Ignore($"This CPU (as the runtime reports it) cannot run the {kernel} Poly1305 kernel.");
        }

        return kernel;
    }

    private static byte[] Hex(string s) => Convert.FromHexString(s);

    private static string Tag(Poly1305Kernel kernel, byte[] key, byte[] message)
    {
        var tag = new byte[Poly1305.TagSize];
        Poly1305.Mac(kernel, key, message, tag);
        return Convert.ToHexStringLower(tag);
    }

    private static string EvpTag(byte[] key, byte[] message)
    {
        var tag = new byte[Poly1305.TagSize];
        LibCrypto.Poly1305(key, message, tag);
        return Convert.ToHexStringLower(tag);
    }

    // RFC 8439 §2.5.2.
    [Test]
    public void Mac_Rfc8439Section252([ValueSource(nameof(Kernels))] string kernelName)
    {
        Poly1305Kernel kernel = Require(kernelName);
        byte[] key = Hex("85d6be7857556d337f4452fe42d506a80103808afb0db2fd4abff6af4149f51b");
        byte[] message = Encoding.ASCII.GetBytes("Cryptographic Forum Research Group");
        Assert.That(Tag(kernel, key, message), Is.EqualTo("a8061dc1305136c6c22b8baf0c0127a9"));
    }

    // RFC 8439 §A.3: #1 (zero key), #4 (the Jabberwocky text), and #5–#11, which are built to hit the edge cases of
    // the carries and of the final reduction (h ≥ 2^130 − 5, h + s wrapping 2^128, a 131-bit intermediate).
    private static readonly string[][] AppendixA3 =
    [
        ["#1", "0000000000000000000000000000000000000000000000000000000000000000", new string('0', 128), "00000000000000000000000000000000"],
        ["#4", "1c9240a5eb55d38af333888604f6b5f0473917c1402b80099dca5cbc207075c0",
            Convert.ToHexStringLower(Encoding.ASCII.GetBytes(
                "'Twas brillig, and the slithy toves\nDid gyre and gimble in the wabe:\nAll mimsy were the borogoves,\nAnd the mome raths outgrabe.")),
            "4541669a7eaaee61e708dc7cbcc5eb62"],
        ["#5", "0200000000000000000000000000000000000000000000000000000000000000", "ffffffffffffffffffffffffffffffff", "03000000000000000000000000000000"],
        ["#6", "02000000000000000000000000000000ffffffffffffffffffffffffffffffff", "02000000000000000000000000000000", "03000000000000000000000000000000"],
        ["#7", "0100000000000000000000000000000000000000000000000000000000000000",
            "ffffffffffffffffffffffffffffffff" + "f0ffffffffffffffffffffffffffffff" + "11000000000000000000000000000000",
            "05000000000000000000000000000000"],
        ["#8", "0100000000000000000000000000000000000000000000000000000000000000",
            "ffffffffffffffffffffffffffffffff" + "fbfefefefefefefefefefefefefefefe" + "01010101010101010101010101010101",
            "00000000000000000000000000000000"],
        ["#9", "0200000000000000000000000000000000000000000000000000000000000000", "fdffffffffffffffffffffffffffffff", "faffffffffffffffffffffffffffffff"],
        ["#10", "0100000000000000040000000000000000000000000000000000000000000000",
            "e33594d7505e43b90000000000000000" + "3394d7505e4379cd0100000000000000" + "00000000000000000000000000000000" +
            "01000000000000000000000000000000",
            "14000000000000005500000000000000"],
        ["#11", "0100000000000000040000000000000000000000000000000000000000000000",
            "e33594d7505e43b90000000000000000" + "3394d7505e4379cd0100000000000000" + "00000000000000000000000000000000",
            "13000000000000000000000000000000"],
    ];

    public static IEnumerable<TestCaseData> AppendixA3Cases() =>
        from kernel in Kernels
        from vector in AppendixA3
        select new TestCaseData(kernel, vector[0], vector[1], vector[2], vector[3]).SetArgDisplayNames(kernel, vector[0]);

    [TestCaseSource(nameof(AppendixA3Cases))]
    public void Mac_Rfc8439AppendixA3(string kernelName, string name, string key, string message, string tag)
    {
        Poly1305Kernel kernel = Require(kernelName);
        Assert.That(Tag(kernel, Hex(key), Hex(message)), Is.EqualTo(tag), name);
        Assert.That(EvpTag(Hex(key), Hex(message)), Is.EqualTo(tag), $"{name} through EVP (the vector itself)");
    }

    // Every length 0…2100 (all partial-block sizes, the vector kernel's threshold and every chunk count up to 32, a
    // 1 KiB packet's 1036 bytes) under several random keys, against EVP.
    [Test]
    public void Mac_EveryLengthTo2100_MatchesEvp([ValueSource(nameof(Kernels))] string kernelName, [Range(0, 3)] int seed)
    {
        Poly1305Kernel kernel = Require(kernelName);
        byte[] key = CipherTestSupport.Bytes(500 + seed, Poly1305.KeySize);
        byte[] message = CipherTestSupport.Bytes(600 + seed, 2100);
        var tag = new byte[Poly1305.TagSize];
        var expected = new byte[Poly1305.TagSize];
        using var evp = new Poly1305Mac();
        for (int length = 0; length <= message.Length; length++)
        {
            ReadOnlySpan<byte> m = message.AsSpan(0, length);
            Poly1305.Mac(kernel, key, m, tag);
            evp.Init(key);
            evp.Update(m);
            evp.Final(expected);
            if (!tag.AsSpan().SequenceEqual(expected))
            {
                Assert.Fail($"length {length}: {Convert.ToHexStringLower(tag)}, EVP {Convert.ToHexStringLower(expected)}");
            }
        }
    }

    // The largest limbs the kernels ever see: r with every unclamped bit set, s all ones, messages of all-ones bytes
    // (every block 2^129 − 1), and all-zero messages under the same key, at every length to 2100.
    [Test]
    public void Mac_ExtremeKeysAndMessages_MatchEvp([ValueSource(nameof(Kernels))] string kernelName, [Values(0x00, 0xff)] int fill, [Values(0x00, 0xff)] int keyFill)
    {
        Poly1305Kernel kernel = Require(kernelName);
        byte[] key = Enumerable.Repeat((byte)keyFill, Poly1305.KeySize).ToArray();
        byte[] message = Enumerable.Repeat((byte)fill, 2100).ToArray();
        var tag = new byte[Poly1305.TagSize];
        var expected = new byte[Poly1305.TagSize];
        for (int length = 0; length <= message.Length; length++)
        {
            Poly1305.Mac(kernel, key, message.AsSpan(0, length), tag);
            LibCrypto.Poly1305(key, message.AsSpan(0, length), expected);
            if (!tag.AsSpan().SequenceEqual(expected))
            {
                Assert.Fail($"length {length}: {Convert.ToHexStringLower(tag)}, EVP {Convert.ToHexStringLower(expected)}");
            }
        }
    }

    // Both kernels on the same long messages, where the vector kernel covers all but the last chunk's remainder.
    [Test]
    public void Mac_ScalarAndAvx2_AgreeOnLongMessages([Values(256, 1036, 4096, 32768 + 5)] int length, [Range(0, 3)] int seed)
    {
        Require(nameof(Poly1305Kernel.Avx2));
        byte[] key = CipherTestSupport.Bytes(700 + seed, Poly1305.KeySize);
        byte[] message = CipherTestSupport.Bytes(800 + seed, length);
        Assert.That(Tag(Poly1305Kernel.Avx2, key, message), Is.EqualTo(Tag(Poly1305Kernel.Scalar, key, message)));
        Assert.That(Tag(Poly1305Kernel.Avx2, key, message), Is.EqualTo(EvpTag(key, message)));
    }

    // The packet cipher's one-call EVP form (one handle reference, no GC transitions up to LibCrypto.ShortMacInput
    // bytes, the ordinary calls beyond) against init, update and final, on both sides of that limit.
    [Test]
    public void EvpCompute_MatchesInitUpdateFinal([Values(0, 1, 15, 16, 17, 1036, 2047, 2048, 2049, 32784)] int length)
    {
        byte[] key = CipherTestSupport.Bytes(900 + length, Poly1305.KeySize);
        byte[] message = CipherTestSupport.Bytes(901 + length, length);
        using var evp = new Poly1305Mac();
        var tag = new byte[Poly1305.TagSize];
        evp.Compute(key, message, tag);
        Assert.That(Convert.ToHexStringLower(tag), Is.EqualTo(EvpTag(key, message)));
        evp.Compute(key, message, tag);
        Assert.That(Convert.ToHexStringLower(tag), Is.EqualTo(EvpTag(key, message)), "the context is reusable");
    }
}
