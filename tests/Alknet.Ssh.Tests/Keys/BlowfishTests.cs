using Alknet.Ssh.Keys;
using NUnit.Framework;

namespace Alknet.Ssh.Tests.Keys;

/// <summary>Eric Young's Blowfish ECB known-answer vectors (8-byte keys, the classic key schedule).</summary>
[TestFixture]
public sealed class BlowfishTests
{
    [TestCase("0000000000000000", "0000000000000000", "4EF997456198DD78")]
    [TestCase("FFFFFFFFFFFFFFFF", "FFFFFFFFFFFFFFFF", "51866FD5B85ECB8A")]
    [TestCase("3000000000000000", "1000000000000001", "7D856F9A613063F2")]
    [TestCase("1111111111111111", "1111111111111111", "2466DD878B963C9D")]
    [TestCase("0123456789ABCDEF", "1111111111111111", "61F9C3802281B096")]
    [TestCase("1111111111111111", "0123456789ABCDEF", "7D0CC630AFDA1EC7")]
    [TestCase("FEDCBA9876543210", "0123456789ABCDEF", "0ACEAB0FC6A0A28D")]
    [TestCase("7CA110454A1A6E57", "01A1D6D039776742", "59C68245EB05282B")]
    [TestCase("0131D9619DC1376E", "5CD54CA83DEF57DA", "B1B8CC0B250F09A0")]
    [TestCase("07A1133E4A0B2686", "0248D43806F67172", "1730E5778BEA1DA4")]
    [TestCase("3849674C2602319E", "51454B582DDF440A", "A25E7856CF2651EB")]
    [TestCase("04B915BA43FEB5B6", "42FD443059577FA2", "353882B109CE8F1A")]
    [TestCase("0113B970FD34F2CE", "059B5E0851CF143A", "48F4D0884C379918")]
    public void EncryptBlock_EricYoungVector_MatchesCiphertext(string key, string plain, string cipher)
    {
        var bf = Blowfish.FromKey(Convert.FromHexString(key));
        var block = Convert.FromHexString(plain);
        bf.EncryptBlock(block);
        Assert.That(Convert.ToHexString(block), Is.EqualTo(cipher));
    }

    [TestCase("0123456789ABCDEF", "1111111111111111", "61F9C3802281B096")]
    [TestCase("FEDCBA9876543210", "0123456789ABCDEF", "0ACEAB0FC6A0A28D")]
    public void DecryptBlock_EricYoungVector_RecoversPlaintext(string key, string plain, string cipher)
    {
        var bf = Blowfish.FromKey(Convert.FromHexString(key));
        var block = Convert.FromHexString(cipher);
        bf.DecryptBlock(block);
        Assert.That(Convert.ToHexString(block), Is.EqualTo(plain));
    }
}
