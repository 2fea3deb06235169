using System.Buffers.Binary;
using Alknet.Ssh.Crypto;
using NUnit.Framework;

namespace Alknet.Ssh.Tests.Crypto;

/// <summary>Seal → PeekLength → Open for every cipher suite, over consecutive packets so counters and IVs advance.</summary>
[TestFixture]
public sealed class PacketCipherRoundTripTests
{
    private static readonly int[] PayloadSizes = [0, 1, 15, 16, 1024, 32 * 1024];

    [TestCaseSource(typeof(CipherTestSupport), nameof(CipherTestSupport.SuitesAndNone))]
    public void SealThenOpen_ConsecutivePacketsOfEverySize_RestoresPlaintext(string suite)
    {
        (IPacketCipher sender, IPacketCipher receiver) = CipherTestSupport.CreatePair(suite);
        using (sender)
        using (receiver)
        {
            uint sequence = 0xFFFFFFF0; // wraps through 0 during the run, as RFC 4253 §6.4 sequence numbers do
            for (int round = 0; round < 3; round++)
            {
                foreach (int size in PayloadSizes)
                {
                    byte[] plain = CipherTestSupport.BuildPacket(sender, CipherTestSupport.Bytes(size + round, size));
                    byte[] wire = (byte[])plain.Clone();
                    var mac = new byte[sender.MacLength];
                    sender.Seal(sequence, wire, mac);
                    if (sender.MacLength > 0)
                    {
                        Assert.That(wire.AsSpan(4).SequenceEqual(plain.AsSpan(4)), Is.False, "body must be encrypted");
                    }

                    byte[] prefix = wire.AsSpan(0, receiver.LengthPrefixBytes).ToArray();
                    uint length = receiver.PeekLength(sequence, prefix);
                    Assert.Multiple(() =>
                    {
                        Assert.That(length, Is.EqualTo(BinaryPrimitives.ReadUInt32BigEndian(plain)), $"size {size}");
                        Assert.That(prefix, Is.EqualTo(wire.AsSpan(0, receiver.LengthPrefixBytes).ToArray()), "PeekLength must not modify");
                    });

                    // Peeking twice must not move the stream either.
                    Assert.That(receiver.PeekLength(sequence, prefix), Is.EqualTo(length));
                    Assert.That(receiver.Open(sequence, wire, mac), Is.True, $"size {size} round {round}");
                    Assert.That(wire, Is.EqualTo(plain), $"size {size} round {round}");
                    sequence++;
                }
            }
        }
    }

    [TestCaseSource(typeof(CipherTestSupport), nameof(CipherTestSupport.Suites))]
    public void Seal_SamePlaintextTwice_ProducesDifferentCiphertext(string suite)
    {
        (IPacketCipher sender, IPacketCipher receiver) = CipherTestSupport.CreatePair(suite);
        using (sender)
        using (receiver)
        {
            byte[] plain = CipherTestSupport.BuildPacket(sender, CipherTestSupport.Bytes(5, 100));
            byte[] first = (byte[])plain.Clone();
            byte[] second = (byte[])plain.Clone();
            sender.Seal(7, first, new byte[sender.MacLength]);
            sender.Seal(8, second, new byte[sender.MacLength]);
            // Nonce/counter/sequence advance per packet, so identical packets never repeat on the wire.
            Assert.That(first.AsSpan(4).SequenceEqual(second.AsSpan(4)), Is.False);
        }
    }

    [Test]
    public void None_Seal_LeavesBytesAndHasNoMac()
    {
        using IPacketCipher none = PacketCiphers.CreateNone();
        byte[] plain = CipherTestSupport.BuildPacket(none, CipherTestSupport.Bytes(9, 20));
        byte[] wire = (byte[])plain.Clone();
        none.Seal(0, wire, []);
        Assert.Multiple(() =>
        {
            Assert.That(wire, Is.EqualTo(plain));
            Assert.That(none.MacLength, Is.Zero);
            Assert.That(none.BlockSize, Is.EqualTo(8));
            Assert.That(none.Open(0, wire, []), Is.True);
        });
    }

    [TestCaseSource(typeof(CipherTestSupport), nameof(CipherTestSupport.Suites))]
    public void Open_AfterPeekOfAnotherSequenceNumberOrNoPeek_RestoresPlaintext(string suite)
    {
        // Peeking caches per sequence number where it helps (chacha20-poly1305): a peek for a different packet, or
        // none at all, must not change what Open produces.
        (IPacketCipher sender, IPacketCipher receiver) = CipherTestSupport.CreatePair(suite);
        using (sender)
        using (receiver)
        {
            byte[] first = CipherTestSupport.BuildPacket(sender, CipherTestSupport.Bytes(70, 300));
            byte[] second = CipherTestSupport.BuildPacket(sender, CipherTestSupport.Bytes(71, 77));
            byte[] firstWire = (byte[])first.Clone();
            byte[] secondWire = (byte[])second.Clone();
            var firstMac = new byte[sender.MacLength];
            var secondMac = new byte[sender.MacLength];
            sender.Seal(5, firstWire, firstMac);
            sender.Seal(6, secondWire, secondMac);

            Assert.That(receiver.Open(5, firstWire, firstMac), Is.True);
            receiver.PeekLength(99, secondWire.AsSpan(0, receiver.LengthPrefixBytes));
            Assert.That(receiver.Open(6, secondWire, secondMac), Is.True);
            Assert.Multiple(() =>
            {
                Assert.That(firstWire, Is.EqualTo(first));
                Assert.That(secondWire, Is.EqualTo(second));
            });
        }
    }
}
