using Alknet.Ssh.Crypto;
using NUnit.Framework;

namespace Alknet.Ssh.Tests.Crypto;

/// <summary>Any single flipped bit in the length, body or MAC, or a wrong sequence number, makes Open fail.</summary>
[TestFixture]
public sealed class PacketCipherTamperTests
{
    [TestCaseSource(typeof(CipherTestSupport), nameof(CipherTestSupport.Suites))]
    public void Open_AnyBitFlipped_ReturnsFalse(string suite)
    {
        // Two packets, so the tampered one is opened with advanced counters (second GCM nonce, CTR past block 0).
        (IPacketCipher sender, IPacketCipher probe) = CipherTestSupport.CreatePair(suite);
        probe.Dispose();
        byte[] first = CipherTestSupport.BuildPacket(sender, CipherTestSupport.Bytes(11, 40));
        byte[] second = CipherTestSupport.BuildPacket(sender, CipherTestSupport.Bytes(12, 33));
        var firstMac = new byte[sender.MacLength];
        var secondMac = new byte[sender.MacLength];
        sender.Seal(41, first, firstMac);
        sender.Seal(42, second, secondMac);
        sender.Dispose();

        int totalBits = (second.Length + secondMac.Length) * 8;
        int failures = 0;
        for (int bit = 0; bit < totalBits; bit++)
        {
            (IPacketCipher unused, IPacketCipher receiver) = CipherTestSupport.CreatePair(suite);
            unused.Dispose();
            using (receiver)
            {
                Assert.That(receiver.Open(41, (byte[])first.Clone(), firstMac), Is.True);
                byte[] packet = (byte[])second.Clone();
                byte[] mac = (byte[])secondMac.Clone();
                int index = bit / 8;
                byte mask = (byte)(1 << (bit % 8));
                if (index < packet.Length)
                {
                    packet[index] ^= mask;
                }
                else
                {
                    mac[index - packet.Length] ^= mask;
                }

                if (receiver.Open(42, packet, mac))
                {
                    failures++;
                }
            }
        }

        Assert.That(failures, Is.Zero, $"{failures} of {totalBits} single-bit flips were accepted");
    }

    [TestCase("chacha20-poly1305@openssh.com|")]
    [TestCase("aes128-ctr|hmac-sha2-256-etm@openssh.com")]
    [TestCase("aes128-ctr|hmac-sha2-512")]
    public void Open_WrongSequenceNumber_ReturnsFalse(string suite)
    {
        (IPacketCipher sender, IPacketCipher receiver) = CipherTestSupport.CreatePair(suite);
        using (sender)
        using (receiver)
        {
            byte[] packet = CipherTestSupport.BuildPacket(sender, CipherTestSupport.Bytes(13, 64));
            var mac = new byte[sender.MacLength];
            sender.Seal(5, packet, mac);
            Assert.That(receiver.Open(6, packet, mac), Is.False);
        }
    }

    [TestCase("aes128-gcm@openssh.com|")]
    [TestCase("aes256-gcm@openssh.com|")]
    public void Open_GcmTagMismatch_WipesTheDecryptedBody(string suite)
    {
        // GCM decrypts in the same pass that authenticates; a forged packet must not leave plaintext behind.
        (IPacketCipher sender, IPacketCipher receiver) = CipherTestSupport.CreatePair(suite);
        using (sender)
        using (receiver)
        {
            byte[] packet = CipherTestSupport.BuildPacket(sender, CipherTestSupport.Bytes(14, 200));
            var mac = new byte[sender.MacLength];
            sender.Seal(1, packet, mac);
            mac[0] ^= 1;
            Assert.That(receiver.Open(1, packet, mac), Is.False);
            Assert.That(packet.AsSpan(4).IndexOfAnyExcept((byte)0), Is.EqualTo(-1));
        }
    }
}
