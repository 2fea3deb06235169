using Alknet.Ssh.Crypto;
using NUnit.Framework;

namespace Alknet.Ssh.Tests.Crypto;

/// <summary>
/// chacha20-poly1305@openssh.com's vector paths (each ChaCha20 and managed Poly1305 kernel this CPU can run) against
/// its EVP-only path: the same packets and tags at sizes around every boundary of the vector passes and of the managed
/// MAC's limit, and each path opens what the other sealed.
/// </summary>
[TestFixture]
public sealed class ChaCha20Poly1305PathTests
{
    // Body = 1 + payload + padding (≥ 4, to a multiple of 8): payloads chosen so bodies fall on both sides of the
    // 16-lane first pass (896 bytes) and of the AVX-512 first pass with its four extra blocks (1152), of a half pass
    // after either (1408, 1664) or after a full one (2432, 2688), of one more pass (1920, 2176) and of the EVP tail
    // limit (896 + 2048, 1152 + 2048), of the managed Poly1305's vector threshold (256-byte packet) and limit (1280),
    // plus 0–65 and 32 KiB.
    private static readonly int[] Payloads =
    [
        0, 1, 15, 16, 63, 64, 65, 236, 240, 244, 248, 880, 887, 888, 895, 896, 1024, 1136, 1143, 1144, 1151, 1152, 1400, 1404,
        1264, 1267, 1268, 1272, 1648, 1655, 1656,
        1664, 1904, 1911, 1912, 1920, 2160, 2167, 2168, 2400, 2430, 2672, 2679, 2680, 2928, 2935, 2936, 2944, 2952, 3184,
        3191, 3192, 3200, 3208, 4984, 32768,
    ];

    public static readonly string[] Kernels = ChaCha20Block16Tests.Kernels;

    public static readonly string[] PolyKernels = Poly1305Tests.Kernels;

    internal static Poly1305Kernel RequirePoly(string kernelName)
    {
        Poly1305Kernel kernel = Enum.Parse<Poly1305Kernel>(kernelName);
        if (!Poly1305.Supports(kernel))
        {
            Assert.Ignore($"This CPU (as the runtime reports it) cannot run the {kernel} Poly1305 kernel.");
        }

        return kernel;
    }

    [Test]
    public void Seal_VectorAndEvpPaths_ProduceTheSamePacketAndTag(
        [ValueSource(nameof(Kernels))] string kernelName, [ValueSource(nameof(PolyKernels))] string polyName, [ValueSource(nameof(Payloads))] int payloadLength)
    {
        ChaCha20Kernel kernel = ChaCha20Block16Tests.Require(kernelName);
        Poly1305Kernel poly = RequirePoly(polyName);
        byte[] key = CipherTestSupport.Bytes(7, ChaCha20Poly1305PacketCipher.KeySize);
        using var vector = new ChaCha20Poly1305PacketCipher(key, kernel, poly);
        using var evp = new ChaCha20Poly1305PacketCipher(key, vectorized: false);
        foreach (uint sequence in new uint[] { 0, 1, 0x01020304, uint.MaxValue })
        {
            byte[] a = CipherTestSupport.BuildPacket(vector, CipherTestSupport.Bytes(payloadLength, payloadLength));
            byte[] b = (byte[])a.Clone();
            var macA = new byte[16];
            var macB = new byte[16];
            vector.Seal(sequence, a, macA);
            evp.Seal(sequence, b, macB);
            Assert.Multiple(() =>
            {
                Assert.That(a, Is.EqualTo(b), $"packet, seqnr {sequence}");
                Assert.That(macA, Is.EqualTo(macB), $"tag, seqnr {sequence}");
            });
        }
    }

    [Test]
    public void Open_EachPathOpensWhatTheOtherSealed(
        [ValueSource(nameof(Kernels))] string kernelName, [ValueSource(nameof(PolyKernels))] string polyName,
        [ValueSource(nameof(Payloads))] int payloadLength, [Values] bool peekFirst)
    {
        ChaCha20Kernel kernel = ChaCha20Block16Tests.Require(kernelName);
        Poly1305Kernel poly = RequirePoly(polyName);
        byte[] key = CipherTestSupport.Bytes(8, ChaCha20Poly1305PacketCipher.KeySize);
        using var vector = new ChaCha20Poly1305PacketCipher(key, kernel, poly);
        using var evp = new ChaCha20Poly1305PacketCipher(key, vectorized: false);
        foreach ((IPacketCipher sender, IPacketCipher receiver) in new IPacketCipher[][] { [vector, evp], [evp, vector] }.Select(p => (p[0], p[1])))
        {
            for (uint sequence = 5; sequence < 8; sequence++)
            {
                byte[] plain = CipherTestSupport.BuildPacket(sender, CipherTestSupport.Bytes(payloadLength + 1, payloadLength));
                byte[] packet = (byte[])plain.Clone();
                var mac = new byte[16];
                sender.Seal(sequence, packet, mac);
                if (peekFirst)
                {
                    Assert.That(receiver.PeekLength(sequence, packet), Is.EqualTo((uint)(plain.Length - 4)));
                }

                Assert.That(receiver.Open(sequence, packet, mac), Is.True);
                Assert.That(packet, Is.EqualTo(plain));
            }
        }
    }

    [Test]
    public void Open_PeekedThenTamperedTag_RejectsAndNextPacketStillOpens(
        [ValueSource(nameof(Kernels))] string kernelName, [ValueSource(nameof(PolyKernels))] string polyName)
    {
        ChaCha20Kernel kernel = ChaCha20Block16Tests.Require(kernelName);
        Poly1305Kernel poly = RequirePoly(polyName);
        byte[] key = CipherTestSupport.Bytes(9, ChaCha20Poly1305PacketCipher.KeySize);
        using var sender = new ChaCha20Poly1305PacketCipher(key, kernel, poly);
        using var receiver = new ChaCha20Poly1305PacketCipher(key, kernel, poly);
        byte[] plain = CipherTestSupport.BuildPacket(sender, CipherTestSupport.Bytes(1, 1024));
        byte[] packet = (byte[])plain.Clone();
        var mac = new byte[16];
        sender.Seal(3, packet, mac);
        receiver.PeekLength(3, packet);
        mac[0] ^= 1;
        byte[] tampered = (byte[])packet.Clone();
        Assert.That(receiver.Open(3, tampered, mac), Is.False);
        Assert.That(tampered, Is.EqualTo(packet), "nothing is decrypted before the tag is verified");

        mac[0] ^= 1;
        Assert.That(receiver.Open(3, packet, mac), Is.True);
        Assert.That(packet, Is.EqualTo(plain));
    }
}
