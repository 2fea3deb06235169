using Alknet.Ssh.Crypto;
using NUnit.Framework;

namespace Alknet.Ssh.Tests.Crypto;

/// <summary>Known-answer tests for the libcrypto-backed curve primitives: RFC 7748 (X25519) and RFC 8032 (Ed25519).</summary>
[TestFixture]
public sealed class LibCryptoCurveTests
{
    private static byte[] Hex(string s) => Convert.FromHexString(s);

    [Test]
    public void EnsureAvailable_OnThisMachine_DoesNotThrow() => Assert.That(LibCrypto.EnsureAvailable, Throws.Nothing);

    // RFC 7748 §5.2, the two single-shot vectors (the second has the top bit of u set, which X25519 must mask).
    [TestCase("a546e36bf0527c9d3b16154b82465edd62144c0ac1fc5a18506a2244ba449ac4",
              "e6db6867583030db3594c1a424b15f7c726624ec26b3353b10a903a6d0ab1c4c",
              "c3da55379de9c6908e94ea4df28d084f32eccf03491c71f754b4075577a28552")]
    [TestCase("4b66e9d4d1b4673c5ad22691957d6af5c11b6421e0ea01d42ca4169e7918ba0d",
              "e5210f12786811d3f4b7959d0538ae2c31dbe7106fc03c3efc4cd549c715a493",
              "95cbde9476e8907d7aade45cb4b873f88b595a68799fa152e6f8f7647aac7957")]
    public void X25519_Rfc7748Section52Vector_MatchesOutput(string scalar, string u, string expected)
    {
        var output = new byte[32];
        bool ok = LibCrypto.X25519(Hex(scalar), Hex(u), output);
        Assert.Multiple(() =>
        {
            Assert.That(ok, Is.True);
            Assert.That(Convert.ToHexStringLower(output), Is.EqualTo(expected));
        });
    }

    // RFC 7748 §6.1: both public keys from the private keys, and the same shared secret from both sides.
    [Test]
    public void X25519_Rfc7748Section61AliceAndBob_DeriveKeysAndAgree()
    {
        byte[] alicePrivate = Hex("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a");
        byte[] bobPrivate = Hex("5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb");
        byte[] basePoint = new byte[32];
        basePoint[0] = 9;

        var alicePublic = new byte[32];
        var bobPublic = new byte[32];
        var aliceShared = new byte[32];
        var bobShared = new byte[32];
        Assert.Multiple(() =>
        {
            Assert.That(LibCrypto.X25519(alicePrivate, basePoint, alicePublic), Is.True);
            Assert.That(LibCrypto.X25519(bobPrivate, basePoint, bobPublic), Is.True);
        });
        Assert.Multiple(() =>
        {
            Assert.That(LibCrypto.X25519(alicePrivate, bobPublic, aliceShared), Is.True);
            Assert.That(LibCrypto.X25519(bobPrivate, alicePublic, bobShared), Is.True);
        });

        const string shared = "4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742";
        Assert.Multiple(() =>
        {
            Assert.That(Convert.ToHexStringLower(alicePublic), Is.EqualTo("8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a"));
            Assert.That(Convert.ToHexStringLower(bobPublic), Is.EqualTo("de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f"));
            Assert.That(Convert.ToHexStringLower(aliceShared), Is.EqualTo(shared));
            Assert.That(Convert.ToHexStringLower(bobShared), Is.EqualTo(shared));
        });
    }

    // Low-order points (u = 0, u = 1, and an order-8 point) force an all-zero result; RFC 7748 §6.1 says reject it.
    [TestCase("0000000000000000000000000000000000000000000000000000000000000000")]
    [TestCase("0100000000000000000000000000000000000000000000000000000000000000")]
    [TestCase("e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800")]
    public void X25519_LowOrderPeerPoint_ReturnsFalse(string lowOrderPoint)
    {
        byte[] privateKey = Hex("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a");
        var output = new byte[32];
        Assert.That(LibCrypto.X25519(privateKey, Hex(lowOrderPoint), output), Is.False);
    }

    [Test]
    public void X25519GenerateKeyPair_TwoFreshPairs_AgreeAndDiffer()
    {
        var aPrivate = new byte[32];
        var aPublic = new byte[32];
        var bPrivate = new byte[32];
        var bPublic = new byte[32];
        LibCrypto.X25519GenerateKeyPair(aPrivate, aPublic);
        LibCrypto.X25519GenerateKeyPair(bPrivate, bPublic);

        var ab = new byte[32];
        var ba = new byte[32];
        Assert.Multiple(() =>
        {
            Assert.That(LibCrypto.X25519(aPrivate, bPublic, ab), Is.True);
            Assert.That(LibCrypto.X25519(bPrivate, aPublic, ba), Is.True);
        });
        Assert.Multiple(() =>
        {
            Assert.That(ab, Is.EqualTo(ba));
            Assert.That(aPrivate, Is.Not.EqualTo(bPrivate));
        });
    }

    [Test]
    public void X25519_WrongLengths_Throw()
    {
        Assert.That(() => LibCrypto.X25519(new byte[31], new byte[32], new byte[32]), Throws.ArgumentException);
        Assert.That(() => LibCrypto.X25519(new byte[32], new byte[33], new byte[32]), Throws.ArgumentException);
        Assert.That(() => LibCrypto.X25519(new byte[32], new byte[32], new byte[16]), Throws.ArgumentException);
    }

    // RFC 8032 §7.1, TEST 1 (empty message), TEST 2 (one byte) and TEST 3 (two bytes).
    [TestCase("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
              "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a", "",
              "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b")]
    [TestCase("4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
              "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c", "72",
              "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00")]
    [TestCase("c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7",
              "fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025", "af82",
              "6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a")]
    public void Ed25519_Rfc8032Vector_PublicKeySignatureAndVerifyMatch(string seed, string publicKey, string message, string signature)
    {
        var derivedPublic = new byte[32];
        var derivedSignature = new byte[64];
        LibCrypto.Ed25519PublicKeyFromSeed(Hex(seed), derivedPublic);
        LibCrypto.Ed25519Sign(Hex(seed), Hex(message), derivedSignature);

        Assert.Multiple(() =>
        {
            Assert.That(Convert.ToHexStringLower(derivedPublic), Is.EqualTo(publicKey));
            Assert.That(Convert.ToHexStringLower(derivedSignature), Is.EqualTo(signature));
            Assert.That(LibCrypto.Ed25519Verify(Hex(publicKey), Hex(message), Hex(signature)), Is.True);
        });
    }

    [Test]
    public void Ed25519Verify_AnyBitFlippedInSignatureOrMessage_ReturnsFalse()
    {
        byte[] publicKey = Hex("fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025");
        byte[] message = Hex("af82");
        byte[] signature = Hex("6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a");

        for (int bit = 0; bit < signature.Length * 8; bit++)
        {
            byte[] bad = (byte[])signature.Clone();
            bad[bit / 8] ^= (byte)(1 << (bit % 8));
            Assert.That(LibCrypto.Ed25519Verify(publicKey, message, bad), Is.False, $"signature bit {bit}");
        }

        for (int bit = 0; bit < message.Length * 8; bit++)
        {
            byte[] bad = (byte[])message.Clone();
            bad[bit / 8] ^= (byte)(1 << (bit % 8));
            Assert.That(LibCrypto.Ed25519Verify(publicKey, bad, signature), Is.False, $"message bit {bit}");
        }
    }

    [Test]
    public void Ed25519Verify_WrongKeyOrLengths_ReturnsFalse()
    {
        byte[] otherKey = Hex("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a");
        byte[] message = Hex("af82");
        byte[] signature = Hex("6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a");
        Assert.Multiple(() =>
        {
            Assert.That(LibCrypto.Ed25519Verify(otherKey, message, signature), Is.False);
            Assert.That(LibCrypto.Ed25519Verify(otherKey.AsSpan(0, 31), message, signature), Is.False);
            Assert.That(LibCrypto.Ed25519Verify(otherKey, message, signature.AsSpan(0, 63)), Is.False);
        });
    }
}
