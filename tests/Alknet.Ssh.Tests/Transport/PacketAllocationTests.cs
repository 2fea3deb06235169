using System.Buffers;
using Alknet.Ssh.Crypto;
using Alknet.Ssh.Messages;
using Alknet.Ssh.Transport;
using Alknet.Ssh.Wire;
using NUnit.Framework;

namespace Alknet.Ssh.Tests.Transport;

[TestFixture]
[Category("Allocation")]
public sealed class PacketAllocationTests
{
    [Test]
    public void WriteAndRead_Aes128GcmSteadyState_AllocatesNothingPerPacket()
    {
        var (send, receive) = PacketReaderTests.CipherPair(PacketCiphers.Aes128Gcm, null);
        var output = new ArrayBufferWriter<byte>(64 * 1024);
        using var writer = new PacketWriter(output, send);
        using var reader = new PacketReader(receive);
        var data = new byte[16 * 1024];
        var message = new Ignore(data);

        RoundTrip(writer, reader, output, message, 100);
        long before = GC.GetAllocatedBytesForCurrentThread();
        RoundTrip(writer, reader, output, message, 1000);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.That(allocated, Is.Zero);
    }

    private static void RoundTrip(PacketWriter writer, PacketReader reader, ArrayBufferWriter<byte> output, Ignore message, int count)
    {
        for (int i = 0; i < count; i++)
        {
            output.ResetWrittenCount();
            Write(writer, message);
            var buffer = new ReadOnlySequence<byte>(output.WrittenMemory);
            if (!reader.TryRead(ref buffer, out var payload) || payload.Length != message.Data.Length + 5)
                throw new InvalidOperationException("round trip failed");
        }
    }

    private static void Write<T>(PacketWriter writer, in T message) where T : ISshMessage
    {
        var w = new SshWriter(writer.BeginPacket());
        message.Write(ref w);
        w.Commit();
        writer.EndPacket();
    }
}
