using System.Security.Cryptography;
using System.Text;
using Alknet.Ssh.Crypto;
using NUnit.Framework;

namespace Alknet.Ssh.Tests.Crypto;

/// <summary>RFC 4231 known answers and cross-checks against the BCL's HMAC for the precomputed-state HMAC-SHA-2.</summary>
[TestFixture]
public sealed class PrecomputedHmacTests
{
    private static byte[] Hex(string s) => Convert.FromHexString(s);

    private static byte[] Repeat(byte value, int count) => Enumerable.Repeat(value, count).ToArray();

    // RFC 4231 §4.2–§4.8 (test case 5, truncated output, is not applicable): key, data, HMAC-SHA-256, HMAC-SHA-512.
    private static IEnumerable<TestCaseData> Rfc4231()
    {
        yield return new TestCaseData(Repeat(0x0b, 20), Encoding.ASCII.GetBytes("Hi There"),
            "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7",
            "87aa7cdea5ef619d4ff0b4241a1d6cb02379f4e2ce4ec2787ad0b30545e17cde" +
            "daa833b7d6b8a702038b274eaea3f4e4be9d914eeb61f1702e696c203a126854").SetName("Rfc4231_Case1");
        yield return new TestCaseData(Encoding.ASCII.GetBytes("Jefe"), Encoding.ASCII.GetBytes("what do ya want for nothing?"),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
            "164b7a7bfcf819e2e395fbe73b56e0a387bd64222e831fd610270cd7ea250554" +
            "9758bf75c05a994a6d034f65f8f0e6fdcaeab1a34d4a6b4b636e070a38bce737").SetName("Rfc4231_Case2");
        yield return new TestCaseData(Repeat(0xaa, 20), Repeat(0xdd, 50),
            "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe",
            "fa73b0089d56a284efb0f0756c890be9b1b5dbdd8ee81a3655f83e33b2279d39" +
            "bf3e848279a722c806b485a47e67c807b946a337bee8942674278859e13292fb").SetName("Rfc4231_Case3");
        yield return new TestCaseData(Hex("0102030405060708090a0b0c0d0e0f10111213141516171819"), Repeat(0xcd, 50),
            "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b",
            "b0ba465637458c6990e5a8c5f61d4af7e576d97ff94b872de76f8050361ee3db" +
            "a91ca5c11aa25eb4d679275cc5788063a5f19741120c4f2de2adebeb10a298dd").SetName("Rfc4231_Case4");
        yield return new TestCaseData(Repeat(0xaa, 131), Encoding.ASCII.GetBytes("Test Using Larger Than Block-Size Key - Hash Key First"),
            "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54",
            "80b24263c7c1a3ebb71493c1dd7be8b49b46d1f41b4aeec1121b013783f8f352" +
            "6b56d037e05f2598bd0fd2215d6a1e5295e64f73f63f0aec8b915a985d786598").SetName("Rfc4231_Case6");
        yield return new TestCaseData(Repeat(0xaa, 131), Encoding.ASCII.GetBytes(
            "This is a test using a larger than block-size key and a larger than block-size data. The key needs to be hashed before being used by the HMAC algorithm."),
            "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2",
            "e37b6a775dc87dbaa4dfa9f96e5e3ffddebd71f8867289865df5a32d20cdc944" +
            "b6022cac3c4982b10d5eeb55c3e4de15134676fb6de0446065c97440fa8c6a58").SetName("Rfc4231_Case7");
    }

    [TestCaseSource(nameof(Rfc4231))]
    public void Compute_Rfc4231Vector_MatchesBothHashes(byte[] key, byte[] data, string sha256, string sha512)
    {
        using var hmac256 = new PrecomputedHmac(sha512: false, key);
        using var hmac512 = new PrecomputedHmac(sha512: true, key);
        var mac256 = new byte[32];
        var mac512 = new byte[64];
        hmac256.Compute(data, mac256);
        hmac512.Compute(data, mac512);
        Assert.Multiple(() =>
        {
            Assert.That(Convert.ToHexStringLower(mac256), Is.EqualTo(sha256));
            Assert.That(Convert.ToHexStringLower(mac512), Is.EqualTo(sha512));
        });
    }

    // Sizes around the SHA-256 (64) and SHA-512 (128) block and length-padding boundaries, plus packet sizes.
    private static readonly int[] Sizes = [0, 1, 15, 16, 55, 56, 63, 64, 65, 111, 112, 127, 128, 129, 1024, 1032, 32768, 32772];

    [Test]
    public void Compute_RandomDataAtManySizes_MatchesBclAndStaysCorrectWhenReused([Values(false, true)] bool sha512, [Values(32, 64, 200)] int keyLength)
    {
        byte[] key = CipherTestSupport.Bytes(keyLength, keyLength);
        using var hmac = new PrecomputedHmac(sha512, key);
        var mac = new byte[hmac.HashLength];
        for (int round = 0; round < 2; round++)
        {
            foreach (int size in Sizes)
            {
                byte[] data = CipherTestSupport.Bytes(size + round, size);
                byte[] expected = sha512 ? HMACSHA512.HashData(key, data) : HMACSHA256.HashData(key, data);
                hmac.Compute(data, mac);
                Assert.That(mac, Is.EqualTo(expected), $"size {size}, round {round}");

                // The same message split into a prefix and the rest (as seqnr ‖ packet) gives the same MAC.
                int split = Math.Min(4, size);
                hmac.Compute(data.AsSpan(0, split), data.AsSpan(split), mac);
                Assert.That(mac, Is.EqualTo(expected), $"size {size}, split, round {round}");
            }
        }
    }

    [Test]
    public void Compute_AfterDispose_Throws()
    {
        var hmac = new PrecomputedHmac(sha512: false, new byte[32]);
        hmac.Dispose();
        Assert.Throws<ObjectDisposedException>(() => hmac.Compute([1, 2, 3], new byte[32]));
    }
}
