using Alknet.Ssh.Crypto;
using NUnit.Framework;

namespace Alknet.Ssh.Tests.Crypto;

[TestFixture]
public sealed class PacketCiphersFactoryTests
{
    [TestCase("aes128-gcm@openssh.com", true, 16, 12, 16, 16)]
    [TestCase("aes256-gcm@openssh.com", true, 32, 12, 16, 16)]
    [TestCase("chacha20-poly1305@openssh.com", true, 64, 0, 8, 16)]
    public void Create_AeadCipher_HasSshParameters(string name, bool aead, int keyLength, int ivLength, int blockSize, int macLength)
    {
        Assert.Multiple(() =>
        {
            Assert.That(PacketCiphers.IsAead(name), Is.EqualTo(aead));
            Assert.That(PacketCiphers.KeyLength(name), Is.EqualTo(keyLength));
            Assert.That(PacketCiphers.IvLength(name), Is.EqualTo(ivLength));
        });

        using IPacketCipher cipher = PacketCiphers.Create(name, null, new byte[keyLength], new byte[ivLength], []);
        Assert.Multiple(() =>
        {
            Assert.That(cipher.BlockSize, Is.EqualTo(blockSize));
            Assert.That(cipher.MacLength, Is.EqualTo(macLength));
            Assert.That(cipher.LengthExcludedFromPadding, Is.True);
            Assert.That(cipher.LengthPrefixBytes, Is.EqualTo(4));
        });
    }

    [TestCase("aes128-ctr", 16, "hmac-sha2-256-etm@openssh.com", 32, true, 4)]
    [TestCase("aes256-ctr", 32, "hmac-sha2-512-etm@openssh.com", 64, true, 4)]
    [TestCase("aes128-ctr", 16, "hmac-sha2-256", 32, false, 16)]
    [TestCase("aes256-ctr", 32, "hmac-sha2-512", 64, false, 16)]
    public void Create_CtrWithMac_HasSshParameters(string name, int keyLength, string mac, int macLength, bool etm, int prefix)
    {
        Assert.Multiple(() =>
        {
            Assert.That(PacketCiphers.IsAead(name), Is.False);
            Assert.That(PacketCiphers.KeyLength(name), Is.EqualTo(keyLength));
            Assert.That(PacketCiphers.IvLength(name), Is.EqualTo(16));
            Assert.That(PacketCiphers.MacKeyLength(mac), Is.EqualTo(macLength));
        });

        using IPacketCipher cipher = PacketCiphers.Create(name, mac, new byte[keyLength], new byte[16], new byte[macLength]);
        Assert.Multiple(() =>
        {
            Assert.That(cipher.BlockSize, Is.EqualTo(16));
            Assert.That(cipher.MacLength, Is.EqualTo(macLength));
            Assert.That(cipher.LengthExcludedFromPadding, Is.EqualTo(etm));
            Assert.That(cipher.LengthPrefixBytes, Is.EqualTo(prefix));
        });
    }

    [Test]
    public void SupportedLists_EveryName_IsKnownToTheFactory()
    {
        foreach (string cipher in PacketCiphers.SupportedCiphers)
        {
            Assert.That(() => PacketCiphers.KeyLength(cipher), Throws.Nothing, cipher);
        }

        foreach (string mac in PacketCiphers.SupportedMacs)
        {
            Assert.That(() => PacketCiphers.MacKeyLength(mac), Throws.Nothing, mac);
        }
    }

    [TestCase("aes128-cbc")]
    [TestCase("3des-cbc")]
    [TestCase("")]
    [TestCase("AES128-CTR")]
    public void Lookups_UnknownCipher_ThrowArgumentException(string name)
    {
        Assert.Multiple(() =>
        {
            Assert.That(() => PacketCiphers.IsAead(name), Throws.ArgumentException);
            Assert.That(() => PacketCiphers.KeyLength(name), Throws.ArgumentException);
            Assert.That(() => PacketCiphers.IvLength(name), Throws.ArgumentException);
            Assert.That(() => PacketCiphers.Create(name, "hmac-sha2-256", new byte[16], new byte[16], new byte[32]), Throws.ArgumentException);
        });
    }

    [TestCase("hmac-sha1")]
    [TestCase("umac-64@openssh.com")]
    [TestCase("hmac-sha2-256-etm")]
    public void MacKeyLength_UnknownMac_ThrowsArgumentException(string mac)
    {
        Assert.That(() => PacketCiphers.MacKeyLength(mac), Throws.ArgumentException);
        Assert.That(() => PacketCiphers.Create("aes128-ctr", mac, new byte[16], new byte[16], new byte[32]), Throws.ArgumentException);
    }

    [Test]
    public void Create_CtrWithoutMac_ThrowsArgumentException() =>
        Assert.That(() => PacketCiphers.Create("aes128-ctr", null, new byte[16], new byte[16], []), Throws.ArgumentException);

    [Test]
    public void Create_WrongKeyIvOrMacKeyLength_ThrowsArgumentException()
    {
        Assert.Multiple(() =>
        {
            Assert.That(() => PacketCiphers.Create("aes128-gcm@openssh.com", null, new byte[32], new byte[12], []), Throws.ArgumentException);
            Assert.That(() => PacketCiphers.Create("aes128-gcm@openssh.com", null, new byte[16], new byte[16], []), Throws.ArgumentException);
            Assert.That(() => PacketCiphers.Create("chacha20-poly1305@openssh.com", null, new byte[32], [], []), Throws.ArgumentException);
            Assert.That(() => PacketCiphers.Create("aes256-ctr", "hmac-sha2-512", new byte[32], new byte[16], new byte[32]), Throws.ArgumentException);
        });
    }
}
