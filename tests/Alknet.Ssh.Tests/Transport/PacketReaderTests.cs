using System.Buffers;
using System.Buffers.Binary;
using System.Security.Cryptography;
using Alknet.Ssh.Crypto;
using Alknet.Ssh.Messages;
using Alknet.Ssh.Transport;
using NUnit.Framework;

namespace Alknet.Ssh.Tests.Transport;

[TestFixture]
public sealed class PacketReaderTests
{
    internal static (IPacketCipher Sender, IPacketCipher Receiver) CipherPair(string cipher, string? mac)
    {
        if (cipher == "none") return (PacketCiphers.CreateNone(), PacketCiphers.CreateNone());
        var key = RandomNumberGenerator.GetBytes(PacketCiphers.KeyLength(cipher));
        var iv = RandomNumberGenerator.GetBytes(PacketCiphers.IvLength(cipher));
        var macKey = mac is null ? [] : RandomNumberGenerator.GetBytes(PacketCiphers.MacKeyLength(mac));
        return (PacketCiphers.Create(cipher, mac, key, iv, macKey), PacketCiphers.Create(cipher, mac, key, iv, macKey));
    }

    private static byte[] WritePackets(IPacketCipher cipher, params byte[][] payloads)
    {
        var output = new ArrayBufferWriter<byte>();
        using var writer = new PacketWriter(output, cipher);
        foreach (var p in payloads)
        {
            var w = writer.BeginPacket(p.Length);
            p.CopyTo(w.GetSpan(p.Length));
            w.Advance(p.Length);
            writer.EndPacket();
        }
        return output.WrittenSpan.ToArray();
    }

    private static IEnumerable<TestCaseData> Suites()
    {
        yield return new TestCaseData("none", null);
        yield return new TestCaseData(PacketCiphers.Aes128Gcm, null);
        yield return new TestCaseData(PacketCiphers.Aes256Gcm, null);
        yield return new TestCaseData(PacketCiphers.ChaCha20Poly1305, null);
        foreach (var ctr in new[] { PacketCiphers.Aes128Ctr, PacketCiphers.Aes256Ctr })
            foreach (var mac in PacketCiphers.SupportedMacs)
                yield return new TestCaseData(ctr, mac);
    }

    [TestCaseSource(nameof(Suites))]
    public void TryRead_WriteThenRead_RoundTripsEveryPayloadInOrder(string cipher, string? mac)
    {
        var (send, receive) = CipherPair(cipher, mac);
        byte[][] payloads = [[2, 1, 2, 3], RandomNumberGenerator.GetBytes(1), RandomNumberGenerator.GetBytes(32768), RandomNumberGenerator.GetBytes(100)];
        payloads[1][0] = 2;
        var wire = WritePackets(send, payloads);
        using var reader = new PacketReader(receive);
        var buffer = new ReadOnlySequence<byte>(wire);
        foreach (var expected in payloads)
        {
            Assert.That(reader.TryRead(ref buffer, out var payload), Is.True);
            Assert.That(payload.ToArray(), Is.EqualTo(expected));
        }
        Assert.That(buffer.Length, Is.Zero);
        Assert.That(reader.SequenceNumber, Is.EqualTo((uint)payloads.Length));
    }

    [TestCaseSource(nameof(Suites))]
    public void TryRead_EveryPrefix_NeedsMoreAndConsumesNothing(string cipher, string? mac)
    {
        var (send, receive) = CipherPair(cipher, mac);
        var wire = WritePackets(send, [2, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9]);
        using var reader = new PacketReader(receive);
        for (int n = 0; n < wire.Length; n++)
        {
            var buffer = new ReadOnlySequence<byte>(wire, 0, n);
            Assert.That(reader.TryRead(ref buffer, out _), Is.False, "prefix " + n);
            Assert.That(buffer.Length, Is.EqualTo(n));
        }
        var whole = new ReadOnlySequence<byte>(wire);
        Assert.That(reader.TryRead(ref whole, out var payload), Is.True);
        Assert.That(payload.Length, Is.EqualTo(20));
    }

    [TestCaseSource(nameof(Suites))]
    public void TryRead_OneBytePerSegment_ReadsThePacket(string cipher, string? mac)
    {
        var (send, receive) = CipherPair(cipher, mac);
        var payloadIn = RandomNumberGenerator.GetBytes(300);
        var wire = WritePackets(send, payloadIn);
        using var reader = new PacketReader(receive);
        var buffer = Segmented(wire);
        Assert.That(reader.TryRead(ref buffer, out var payload), Is.True);
        Assert.That(payload.ToArray(), Is.EqualTo(payloadIn));
        Assert.That(buffer.Length, Is.Zero);
    }

    [Test]
    public void TryRead_HugeLength_ProtocolErrorBeforeTheBodyArrives()
    {
        using var reader = new PacketReader(PacketCiphers.CreateNone());
        var buffer = new ReadOnlySequence<byte>(new byte[] { 0xFF, 0xFF, 0xFF, 0xF0 });
        var ex = Assert.Throws<SshProtocolException>(() => reader.TryRead(ref buffer, out _));
        Assert.That(ex!.Reason, Is.EqualTo(SshDisconnectReason.ProtocolError));
    }

    [Test]
    public void TryRead_LengthJustOverLimit_ProtocolError()
    {
        using var reader = new PacketReader(PacketCiphers.CreateNone());
        var bytes = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(bytes, PacketReader.MaxPacketLength + 1);
        var buffer = new ReadOnlySequence<byte>(bytes);
        Assert.That(Assert.Throws<SshProtocolException>(() => reader.TryRead(ref buffer, out _))!.Reason, Is.EqualTo(SshDisconnectReason.ProtocolError));
    }

    [TestCase(3)]
    [TestCase(0)]
    [TestCase(11)]
    [TestCase(12)]
    [TestCase(255)]
    public void TryRead_BadPaddingLength_ProtocolError(int padding)
    {
        // none cipher: length 12 (16 with the length field: aligned to 8), padding byte under test.
        var packet = new byte[16];
        BinaryPrimitives.WriteUInt32BigEndian(packet, 12);
        packet[4] = (byte)padding;
        packet[5] = SshMessageNumbers.Ignore;
        using var reader = new PacketReader(PacketCiphers.CreateNone());
        var buffer = new ReadOnlySequence<byte>(packet);
        Assert.That(Assert.Throws<SshProtocolException>(() => reader.TryRead(ref buffer, out _))!.Reason, Is.EqualTo(SshDisconnectReason.ProtocolError));
    }

    [Test]
    public void TryRead_LengthNotBlockAligned_ProtocolError()
    {
        var packet = new byte[17];
        BinaryPrimitives.WriteUInt32BigEndian(packet, 13);
        packet[4] = 4;
        using var reader = new PacketReader(PacketCiphers.CreateNone());
        var buffer = new ReadOnlySequence<byte>(packet);
        Assert.That(Assert.Throws<SshProtocolException>(() => reader.TryRead(ref buffer, out _))!.Reason, Is.EqualTo(SshDisconnectReason.ProtocolError));
    }

    private static IEnumerable<TestCaseData> AuthenticatedSuites() => Suites().Skip(1); // "none" authenticates nothing

    [TestCaseSource(nameof(AuthenticatedSuites))]
    public void TryRead_FlippedBitInBody_MacError(string cipher, string? mac)
    {
        var (send, receive) = CipherPair(cipher, mac);
        var wire = WritePackets(send, RandomNumberGenerator.GetBytes(64));
        wire[^20] ^= 0x01;
        using var reader = new PacketReader(receive);
        var buffer = new ReadOnlySequence<byte>(wire);
        Assert.That(Assert.Throws<SshProtocolException>(() => reader.TryRead(ref buffer, out _))!.Reason, Is.EqualTo(SshDisconnectReason.MacError));
    }

    [TestCaseSource(nameof(Suites))]
    public void EndPacket_AnyPayload_PaddingIsAtLeastFourAndAligned(string cipher, string? mac)
    {
        var (send, _) = CipherPair(cipher, mac);
        var output = new ArrayBufferWriter<byte>();
        using var writer = new PacketWriter(output, send);
        for (int size = 1; size < 70; size++)
        {
            output.ResetWrittenCount();
            var w = writer.BeginPacket(size);
            w.GetSpan(size)[0] = 2;
            w.Advance(size);
            int total = writer.EndPacket();
            int macLength = send.MacLength;
            int length = total - 4 - macLength;
            int padding = length - 1 - size;
            Assert.That(padding, Is.InRange(4, 255));
            int align = Math.Max(8, send.BlockSize);
            Assert.That((send.LengthExcludedFromPadding ? length : length + 4) % align, Is.Zero);
        }
    }

    internal static ReadOnlySequence<byte> Segmented(byte[] data)
    {
        if (data.Length == 0) return ReadOnlySequence<byte>.Empty;
        var first = new Segment(data.AsMemory(0, 1), 0);
        var last = first;
        for (int i = 1; i < data.Length; i++) last = last.Append(data.AsMemory(i, 1));
        return new ReadOnlySequence<byte>(first, 0, last, 1);
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory, long runningIndex)
        {
            Memory = memory;
            RunningIndex = runningIndex;
        }

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory, RunningIndex + Memory.Length);
            Next = next;
            return next;
        }
    }
}
