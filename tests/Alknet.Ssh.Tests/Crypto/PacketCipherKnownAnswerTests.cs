using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Alknet.Ssh.Crypto;
using NUnit.Framework;

namespace Alknet.Ssh.Tests.Crypto;

/// <summary>
/// Each packet construction against an independent reference: published vectors, an OpenSSL command-line
/// derivation, or the construction rebuilt step by step in the test from primitives (never from the cipher under test).
/// </summary>
[TestFixture]
public sealed class PacketCipherKnownAnswerTests
{
    private static byte[] Hex(string s) => Convert.FromHexString(s);

    private static byte[] Range(int first, int count)
    {
        var bytes = new byte[count];
        for (int i = 0; i < count; i++)
        {
            bytes[i] = (byte)(first + i);
        }

        return bytes;
    }

    // NIST SP 800-38A F.5.1 CTR-AES128.Encrypt, fed in uneven pieces so block boundaries fall inside calls.
    [Test]
    public void AesCtrKeystream_NistSp80038aF51_MatchesCiphertext()
    {
        byte[] data = Hex("6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e51" +
                          "30c81c46a35ce411e5fbc1191a0a52eff69f2445df4f9b17ad2b417be66c3710");
        using var ctr = new AesCtrKeystream(Hex("2b7e151628aed2a6abf7158809cf4f3c"), Hex("f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff"));
        ctr.Transform(data.AsSpan(0, 5));
        ctr.Transform(data.AsSpan(5, 30));
        ctr.Transform(data.AsSpan(35));
        Assert.That(Convert.ToHexStringLower(data), Is.EqualTo(
            "874d6191b620e3261bef6864990db6ce9806f66b7970fdff8617187bb9fffdff" +
            "5ae4df3edbd5d35e5b4f09020db03eab1e031dda2fbe03d1792170a0f3009cee"));
    }

    // The 128-bit counter must carry from the low into the high 64 bits and wrap at 2^128 (RFC 4344 §4), also across
    // the keystream batch boundary.
    [TestCase("00000000000000fffffffffffffffff0")]
    [TestCase("fffffffffffffffffffffffffffffffe")]
    public void AesCtrKeystream_CounterCarriesAndWraps_MatchesPerBlockEcb(string initialCounter)
    {
        byte[] key = Range(0x11, 16);
        int length = AesCtrKeystream.BatchBytes + 5 * 16;
        byte[] data = CipherTestSupport.Bytes(21, length);
        byte[] expected = (byte[])data.Clone();

        using (Aes aes = Aes.Create())
        {
            aes.Key = key;
            var counter = UInt128.Parse(initialCounter, System.Globalization.NumberStyles.HexNumber, null);
            var block = new byte[16];
            var stream = new byte[16];
            for (int offset = 0; offset < length; offset += 16)
            {
                BinaryPrimitives.WriteUInt128BigEndian(block, counter);
                aes.EncryptEcb(block, stream, PaddingMode.None);
                for (int i = 0; i < 16; i++)
                {
                    expected[offset + i] ^= stream[i];
                }

                counter = unchecked(counter + 1);
            }
        }

        using var ctr = new AesCtrKeystream(key, Hex(initialCounter));
        ctr.Transform(data.AsSpan(0, 48));
        ctr.Transform(data.AsSpan(48));
        Assert.That(data, Is.EqualTo(expected));
    }

    // aes-gcm@openssh.com rebuilt from the BCL AES-GCM primitive: AAD = the clear length, nonce = fixed ‖ BE64 counter
    // that starts at the derived IV and goes up by one per packet.
    [TestCase("aes128-gcm@openssh.com", 16)]
    [TestCase("aes256-gcm@openssh.com", 32)]
    public void AesGcmPacketCipher_ThreePackets_MatchComposedReference(string name, int keyLength)
    {
        byte[] key = Range(0x20, keyLength);
        // Invocation counter close to 2^64 so the per-packet increment wraps within the run.
        byte[] iv = Hex("a1a2a3a4fffffffffffffffe");
        using IPacketCipher cipher = PacketCiphers.Create(name, null, key, iv, []);
        using var reference = new AesGcm(key, 16);

        for (int n = 0; n < 3; n++)
        {
            byte[] plain = CipherTestSupport.BuildPacket(cipher, CipherTestSupport.Bytes(30 + n, 50 * n));
            byte[] sealedPacket = (byte[])plain.Clone();
            var tag = new byte[16];
            cipher.Seal((uint)(1000 + n), sealedPacket, tag);

            byte[] nonce = (byte[])iv.Clone();
            BinaryPrimitives.WriteUInt64BigEndian(nonce.AsSpan(4), unchecked(0xfffffffffffffffeUL + (ulong)n));
            var expectedBody = new byte[plain.Length - 4];
            var expectedTag = new byte[16];
            reference.Encrypt(nonce, plain.AsSpan(4), expectedBody, expectedTag, plain.AsSpan(0, 4));

            Assert.Multiple(() =>
            {
                Assert.That(sealedPacket.AsSpan(0, 4).ToArray(), Is.EqualTo(plain.AsSpan(0, 4).ToArray()), "length in clear");
                Assert.That(sealedPacket.AsSpan(4).ToArray(), Is.EqualTo(expectedBody), $"packet {n}");
                Assert.That(tag, Is.EqualTo(expectedTag), $"packet {n}");
            });
        }
    }

    // Derived with the OpenSSL command line (no Alknet code involved):
    //   K_2 = 00..1f, K_1 = 20..3f, seqnr 7, packet 00000010 06 "hello ssh" 000000000000
    //   openssl enc -chacha20 -K <K_1> -iv 00000000000000000000000000000007        (the length)
    //   openssl enc -chacha20 -K <K_2> -iv 00000000000000000000000000000007        (64 zero bytes → Poly1305 key)
    //   openssl enc -chacha20 -K <K_2> -iv 01000000000000000000000000000007        (the rest of the packet)
    //   openssl mac -macopt hexkey:<first 32 bytes of block 0> -in <encrypted packet> POLY1305
    [Test]
    public void ChaCha20Poly1305PacketCipher_OpenSslCliVector_MatchesPacketAndTag()
    {
        byte[] plain = [0, 0, 0, 0x10, 6, .. Encoding.ASCII.GetBytes("hello ssh"), 0, 0, 0, 0, 0, 0];
        using IPacketCipher cipher = PacketCiphers.Create("chacha20-poly1305@openssh.com", null, Range(0, 64), [], []);
        byte[] packet = (byte[])plain.Clone();
        var tag = new byte[16];
        cipher.Seal(7, packet, tag);
        Assert.Multiple(() =>
        {
            Assert.That(Convert.ToHexStringLower(packet), Is.EqualTo("a39afcba2e2e702f22ec0a2d1f05bbf0d78fd32c"));
            Assert.That(Convert.ToHexStringLower(tag), Is.EqualTo("3eeae61ca52636cbcc2276e4523b7971"));
        });

        using IPacketCipher receiver = PacketCiphers.Create("chacha20-poly1305@openssh.com", null, Range(0, 64), [], []);
        Assert.That(receiver.PeekLength(7, packet.AsSpan(0, 4)), Is.EqualTo(16u));
        Assert.That(receiver.Open(7, packet, tag), Is.True);
        Assert.That(packet, Is.EqualTo(plain));
    }

    // PROTOCOL.chacha20poly1305 rebuilt from the RFC 8439 primitives: the 64-bit SSH nonce BE64(seqnr) is RFC 8439's
    // 96-bit nonce 00000000 ‖ BE64(seqnr) when the block counter stays below 2^32.
    [TestCase(0u, 0)]
    [TestCase(1u, 1)]
    [TestCase(0xfffffffeu, 1000)]
    [TestCase(12345u, 32768)]
    public void ChaCha20Poly1305PacketCipher_Seal_MatchesStepByStepConstruction(uint sequence, int payloadLength)
    {
        byte[] key = CipherTestSupport.Bytes(40, 64);
        using IPacketCipher cipher = PacketCiphers.Create("chacha20-poly1305@openssh.com", null, key, [], []);
        byte[] plain = CipherTestSupport.BuildPacket(cipher, CipherTestSupport.Bytes(41, payloadLength));
        byte[] packet = (byte[])plain.Clone();
        var tag = new byte[16];
        cipher.Seal(sequence, packet, tag);

        var nonce = new byte[12];
        BinaryPrimitives.WriteUInt64BigEndian(nonce.AsSpan(4), sequence);
        var expected = new byte[plain.Length];
        LibCrypto.ChaCha20(key.AsSpan(32, 32), 0, nonce, plain.AsSpan(0, 4), expected.AsSpan(0, 4));
        LibCrypto.ChaCha20(key.AsSpan(0, 32), 1, nonce, plain.AsSpan(4), expected.AsSpan(4));
        var block0 = new byte[64];
        LibCrypto.ChaCha20(key.AsSpan(0, 32), 0, nonce, new byte[64], block0);
        var expectedTag = new byte[16];
        LibCrypto.Poly1305(block0.AsSpan(0, 32), expected, expectedTag);

        Assert.Multiple(() =>
        {
            Assert.That(packet, Is.EqualTo(expected));
            Assert.That(tag, Is.EqualTo(expectedTag));
        });
    }

    // RFC 4253 §6.4 (MAC over seqnr ‖ plaintext, then encrypt all) and OpenSSH EtM (encrypt after the length, then MAC
    // over seqnr ‖ length ‖ ciphertext), rebuilt from the BCL's HMAC and a per-block AES-ECB counter stream.
    [TestCase("aes128-ctr", "hmac-sha2-256")]
    [TestCase("aes256-ctr", "hmac-sha2-512")]
    [TestCase("aes128-ctr", "hmac-sha2-256-etm@openssh.com")]
    [TestCase("aes256-ctr", "hmac-sha2-512-etm@openssh.com")]
    public void AesCtrPacketCipher_TwoPackets_MatchComposedReference(string name, string mac)
    {
        byte[] key = CipherTestSupport.Bytes(50, PacketCiphers.KeyLength(name));
        byte[] iv = CipherTestSupport.Bytes(51, 16);
        byte[] macKey = CipherTestSupport.Bytes(52, PacketCiphers.MacKeyLength(mac));
        bool etm = mac.EndsWith("-etm@openssh.com", StringComparison.Ordinal);
        using IPacketCipher cipher = PacketCiphers.Create(name, mac, key, iv, macKey);

        using Aes aes = Aes.Create();
        aes.Key = key;
        UInt128 counter = BinaryPrimitives.ReadUInt128BigEndian(iv);

        for (int n = 0; n < 2; n++)
        {
            uint sequence = (uint)(3 + n);
            byte[] plain = CipherTestSupport.BuildPacket(cipher, CipherTestSupport.Bytes(53 + n, 70 + n));
            byte[] packet = (byte[])plain.Clone();
            var tag = new byte[cipher.MacLength];
            cipher.Seal(sequence, packet, tag);

            byte[] expected = (byte[])plain.Clone();
            int start = etm ? 4 : 0;
            var block = new byte[16];
            var stream = new byte[16];
            for (int offset = start; offset < expected.Length; offset += 16)
            {
                BinaryPrimitives.WriteUInt128BigEndian(block, counter);
                aes.EncryptEcb(block, stream, PaddingMode.None);
                for (int i = 0; i < 16; i++)
                {
                    expected[offset + i] ^= stream[i];
                }

                counter++;
            }

            byte[] macInput = [0, 0, 0, (byte)sequence, .. etm ? expected : plain];
            byte[] expectedTag = mac.Contains("512", StringComparison.Ordinal)
                ? HMACSHA512.HashData(macKey, macInput)
                : HMACSHA256.HashData(macKey, macInput);

            Assert.Multiple(() =>
            {
                Assert.That(packet, Is.EqualTo(expected), $"packet {n}");
                Assert.That(tag, Is.EqualTo(expectedTag), $"packet {n}");
            });
        }
    }
}
