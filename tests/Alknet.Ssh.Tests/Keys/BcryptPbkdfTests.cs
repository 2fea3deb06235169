using System.Text;
using Alknet.Ssh.Keys;
using NUnit.Framework;

namespace Alknet.Ssh.Tests.Keys;

/// <summary>
/// bcrypt_pbkdf known answers (the OpenBSD-derived vectors other implementations test against). The interop tests
/// in <see cref="OpenSshPrivateKeyFileTests"/> also decrypt keys that ssh-keygen encrypted.
/// </summary>
[TestFixture]
public sealed class BcryptPbkdfTests
{
    [TestCase("password", "salt", 4, "5bbf0cc293587f1c3635555c27796598d47e579071bf427e9d8fbe842aba34d9")]
    [TestCase("password", "\0", 4, "c12b566235eee04c212598970a579a67")]
    [TestCase("\0", "salt", 4, "6051be18c2f4f82cbf0efee5471b4bb9")]
    [TestCase("password\0", "salt\0", 4, "7410e44cf4fa07bfaac8a928b1727fac001375e7bf7384370f48efd121743050")]
    public void DeriveKey_KnownVector_MatchesOutput(string password, string salt, int rounds, string expected)
    {
        var key = new byte[expected.Length / 2];
        BcryptPbkdf.DeriveKey(Encoding.ASCII.GetBytes(password), Encoding.ASCII.GetBytes(salt), rounds, key);
        Assert.That(Convert.ToHexStringLower(key), Is.EqualTo(expected));
    }

    [Test]
    public void DeriveKey_ZeroRounds_Throws() =>
        Assert.That(() => BcryptPbkdf.DeriveKey("p"u8, "s"u8, 0, new byte[16]), Throws.InstanceOf<ArgumentOutOfRangeException>());

    [Test]
    public void DeriveKey_DifferentRounds_GiveDifferentKeys()
    {
        var a = new byte[48];
        var b = new byte[48];
        BcryptPbkdf.DeriveKey("pw"u8, "salt"u8, 1, a);
        BcryptPbkdf.DeriveKey("pw"u8, "salt"u8, 2, b);
        Assert.That(a, Is.Not.EqualTo(b));
    }
}
