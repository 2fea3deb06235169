using Alknet.Ssh.Crypto;
using NUnit.Framework;

namespace Alknet.Ssh.Tests.Crypto;

/// <summary>
/// Steady state allocates nothing: sealing and opening a packet is 0 B per packet, at 1 KiB, 2 KiB (chacha20's vector
/// passes) and 32 KiB (its EVP tail).
/// </summary>
[TestFixture]
[Category("Allocation")]
public sealed class PacketCipherAllocationTests
{
    private static IEnumerable<TestCaseData> SuitesAndSizes() =>
        CipherTestSupport.SuitesAndNone.SelectMany(suite => new[] { 1024, 2 * 1024, 32 * 1024 }.Select(size => new TestCaseData(suite, size)));

    [TestCaseSource(nameof(SuitesAndSizes))]
    public void SealAndOpen_Packet_AllocatesNothing(string suite, int payloadSize)
    {
        (IPacketCipher sender, IPacketCipher receiver) = CipherTestSupport.CreatePair(suite);
        using (sender)
        using (receiver)
        {
            byte[] packet = CipherTestSupport.BuildPacket(sender, CipherTestSupport.Bytes(60, payloadSize));
            byte[] prefix = new byte[receiver.LengthPrefixBytes];
            var mac = new byte[sender.MacLength];
            uint sequence = 0;
            bool allOpened = true;

            void OnePacket()
            {
                sender.Seal(sequence, packet, mac);
                packet.AsSpan(0, prefix.Length).CopyTo(prefix);
                receiver.PeekLength(sequence, prefix);
                allOpened &= receiver.Open(sequence, packet, mac);
                sequence++;
            }

            for (int i = 0; i < 20; i++)
            {
                OnePacket();
            }

            const int Packets = 200;
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < Packets; i++)
            {
                OnePacket();
            }

            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            Assert.Multiple(() =>
            {
                Assert.That(allOpened, Is.True);
                Assert.That(allocated, Is.Zero, $"{allocated} bytes over {Packets} packets");
            });
        }
    }
}
