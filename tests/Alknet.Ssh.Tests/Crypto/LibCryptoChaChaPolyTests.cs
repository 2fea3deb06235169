using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Alknet.Ssh.Crypto;
using NUnit.Framework;

namespace Alknet.Ssh.Tests.Crypto;

/// <summary>Known-answer tests for libcrypto's ChaCha20 and Poly1305 as Alknet drives them (RFC 8439).</summary>
[TestFixture]
public sealed class LibCryptoChaChaPolyTests
{
    private static readonly byte[] Sunscreen = Encoding.ASCII.GetBytes(
        "Ladies and Gentlemen of the class of '99: If I could offer you only one tip for the future, sunscreen would be it.");

    private static byte[] Hex(string s) => Convert.FromHexString(s);

    private static byte[] Sequence(byte first, int count)
    {
        var bytes = new byte[count];
        for (int i = 0; i < count; i++)
        {
            bytes[i] = (byte)(first + i);
        }

        return bytes;
    }

    // RFC 8439 §2.4.2: key 00..1f, nonce 00000000 0000004a 00000000, initial counter 1.
    [Test]
    public void ChaCha20_Rfc8439Section242_MatchesCiphertext()
    {
        var output = new byte[Sunscreen.Length];
        LibCrypto.ChaCha20(Sequence(0, 32), 1, Hex("000000000000004a00000000"), Sunscreen, output);
        Assert.That(Convert.ToHexStringLower(output), Is.EqualTo(
            "6e2e359a2568f98041ba0728dd0d6981e97e7aec1d4360c20a27afccfd9fae0b" +
            "f91b65c5524733ab8f593dabcd62b3571639d624e65152ab8f530c359f0861d8" +
            "07ca0dbf500d6a6156a38e088a22b65e52bc514d16ccf806818ce91ab7793736" +
            "5af90bbf74a35be6b40b8eedf2785e42874d"));
    }

    [Test]
    public void ChaCha20Stream_ResetAndSplitCalls_EqualOneShot()
    {
        byte[] key = Sequence(0, 32);
        var expected = new byte[Sunscreen.Length];
        LibCrypto.ChaCha20(key, 1, Hex("000000000000004a00000000"), Sunscreen, expected);

        using var stream = new ChaCha20Stream(key);
        var actual = (byte[])Sunscreen.Clone();
        for (int round = 0; round < 2; round++)
        {
            // Reuse across "packets": each reset must restart the keystream exactly.
            Sunscreen.CopyTo(actual, 0);
            stream.Reset(Hex("01000000" + "000000000000004a00000000"));
            stream.Transform(actual.AsSpan(0, 7), actual.AsSpan(0, 7));
            stream.Transform(actual.AsSpan(7), actual.AsSpan(7));
            Assert.That(actual, Is.EqualTo(expected), $"round {round}");
        }
    }

    [Test]
    public void ChaCha20StreamReset_SshNonceLayout_IsLe64CounterThenBe64Nonce()
    {
        // SSH's layout for seqnr 0x0102030405060708 at block 1 is the RFC 8439 nonce 0x01020304 05060708 preceded by a
        // 32-bit counter of 1 and a zero upper counter word: i.e. RFC 8439 counter 1, nonce 00000000 01020304 05060708.
        byte[] key = Sequence(0x40, 32);
        var expected = new byte[100];
        LibCrypto.ChaCha20(key, 1, Hex("000000000102030405060708"), new byte[100], expected);

        using var stream = new ChaCha20Stream(key);
        stream.Reset(1, 0x0102030405060708UL);
        var actual = new byte[100];
        stream.Transform(actual, actual);
        Assert.That(actual, Is.EqualTo(expected));
    }

    // RFC 8439 §2.5.2.
    [Test]
    public void Poly1305_Rfc8439Section252_MatchesTag()
    {
        var tag = new byte[16];
        LibCrypto.Poly1305(Hex("85d6be7857556d337f4452fe42d506a80103808afb0db2fd4abff6af4149f51b"),
            Encoding.ASCII.GetBytes("Cryptographic Forum Research Group"), tag);
        Assert.That(Convert.ToHexStringLower(tag), Is.EqualTo("a8061dc1305136c6c22b8baf0c0127a9"));
    }

    [Test]
    public void Poly1305Mac_ReinitAfterFinal_ProducesSameTagAgain()
    {
        using var mac = new Poly1305Mac();
        byte[] key = Hex("85d6be7857556d337f4452fe42d506a80103808afb0db2fd4abff6af4149f51b");
        var tag = new byte[16];
        for (int round = 0; round < 3; round++)
        {
            mac.Init(key);
            mac.Update(Encoding.ASCII.GetBytes("Cryptographic "));
            mac.Update(Encoding.ASCII.GetBytes("Forum Research Group"));
            mac.Final(tag);
            Assert.That(Convert.ToHexStringLower(tag), Is.EqualTo("a8061dc1305136c6c22b8baf0c0127a9"), $"round {round}");
        }
    }

    // RFC 8439 §2.8.2: the AEAD composed from the two primitives step by step (§2.6 key generation, §2.8 layout).
    // This validates that the primitives are driven correctly, since the SSH construction composes them the same way.
    [Test]
    public void ChaCha20Poly1305Composition_Rfc8439Section282_MatchesCiphertextAndTag()
    {
        byte[] key = Sequence(0x80, 32);
        byte[] nonce = Hex("070000004041424344454647");
        byte[] aad = Hex("50515253c0c1c2c3c4c5c6c7");

        // §2.6: the one-time Poly1305 key is the first 32 bytes of block 0.
        var block0 = new byte[64];
        LibCrypto.ChaCha20(key, 0, nonce, new byte[64], block0);
        var ciphertext = new byte[Sunscreen.Length];
        LibCrypto.ChaCha20(key, 1, nonce, Sunscreen, ciphertext);

        // §2.8: aad ‖ pad16 ‖ ciphertext ‖ pad16 ‖ le64(aad length) ‖ le64(ciphertext length).
        var macData = new List<byte>(aad);
        macData.AddRange(new byte[(16 - (aad.Length % 16)) % 16]);
        macData.AddRange(ciphertext);
        macData.AddRange(new byte[(16 - (ciphertext.Length % 16)) % 16]);
        var lengths = new byte[16];
        BinaryPrimitives.WriteUInt64LittleEndian(lengths, (ulong)aad.Length);
        BinaryPrimitives.WriteUInt64LittleEndian(lengths.AsSpan(8), (ulong)ciphertext.Length);
        macData.AddRange(lengths);
        var tag = new byte[16];
        LibCrypto.Poly1305(block0.AsSpan(0, 32), macData.ToArray(), tag);

        Assert.Multiple(() =>
        {
            Assert.That(Convert.ToHexStringLower(ciphertext), Is.EqualTo(
                "d31a8d34648e60db7b86afbc53ef7ec2a4aded51296e08fea9e2b5a736ee62d6" +
                "3dbea45e8ca9671282fafb69da92728b1a71de0a9e060b2905d6a5b67ecd3b36" +
                "92ddbd7f2d778b8c9803aee328091b58fab324e4fad675945585808b4831d7bc" +
                "3ff4def08e4b7a9de576d26586cec64b6116"));
            Assert.That(Convert.ToHexStringLower(tag), Is.EqualTo("1ae10b594f09e26a7e902ecbd0600691"));
        });

        // Independent cross-check: the BCL's own RFC 8439 AEAD over the same inputs (when the platform has it).
        if (ChaCha20Poly1305.IsSupported)
        {
            using var bcl = new ChaCha20Poly1305(key);
            var bclCiphertext = new byte[Sunscreen.Length];
            var bclTag = new byte[16];
            bcl.Encrypt(nonce, Sunscreen, bclCiphertext, bclTag, aad);
            Assert.Multiple(() =>
            {
                Assert.That(bclCiphertext, Is.EqualTo(ciphertext));
                Assert.That(bclTag, Is.EqualTo(tag));
            });
        }
    }
}
