using System.IO.Pipelines;
using System.Net;
using Alknet.Ssh.Messages;
using Alknet.Ssh.Tests.Session;
using Alknet.Ssh.Transport;
using NUnit.Framework;

namespace Alknet.Ssh.Tests.Transport;

/// <summary>
/// Control messages are published at the end of the thread-pool turn that wrote them, not one flush (one send system
/// call on a socket) each: messages written while the write lock is held leave together once it is released.
/// </summary>
[TestFixture]
public sealed class ControlMessageFlushTests
{
    [Test]
    public async Task SmallMessagesWrittenUnderOneLockHold_LeaveInOneFlush()
    {
        var (c, s) = SessionHarness.CreatePipePair();
        var counting = new FlushCountingWriter(c.Output);
        var serverTask = SshServer.AcceptAsync(s, SessionHarness.Server(new BlobAuthorizer("alice")), new IPEndPoint(IPAddress.Loopback, 40000));
        await using var client = new SshTransport(new DuplexPipe(c.Input, counting), new SshTransportOptions(), isServer: false,
            verifier: new AcceptAnyHostKeyVerifier());
        await client.HandshakeAsync(CancellationToken.None).AsTask().WaitAsync(TimeSpan.FromSeconds(30));
        int flushesBefore = counting.Flushes;
        long bytesBefore = counting.BytesWritten;

        await client.WriteLock.WaitAsync();
        try
        {
            for (int i = 0; i < 8; i++)
            {
                client.WriteSmallLocked(new Ignore(new byte[16]), out var kexWait);
                Assert.That(kexWait, Is.Null);
            }
        }
        finally
        {
            client.WriteLock.Release();
        }

        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (counting.Flushes == flushesBefore && DateTime.UtcNow < deadline)
        {
            await Task.Delay(10);
        }

        // Give a wrongly repeated flush the chance to show up before counting.
        await Task.Delay(200);
        Assert.That(counting.Flushes - flushesBefore, Is.EqualTo(1), "eight IGNOREs written under one lock hold must leave in one flush");
        Assert.That(counting.BytesWritten - bytesBefore, Is.GreaterThanOrEqualTo(8 * 16), "all eight messages were written");
        Assert.That(serverTask.IsFaulted, Is.False);
    }

    /// <summary>Passes everything through and counts flushes and bytes.</summary>
    private sealed class FlushCountingWriter(PipeWriter inner) : PipeWriter
    {
        private int _flushes;
        private long _bytes;

        public int Flushes => Volatile.Read(ref _flushes);

        public long BytesWritten => Interlocked.Read(ref _bytes);

        public override void Advance(int bytes)
        {
            Interlocked.Add(ref _bytes, bytes);
            inner.Advance(bytes);
        }

        public override Memory<byte> GetMemory(int sizeHint = 0) => inner.GetMemory(sizeHint);

        public override Span<byte> GetSpan(int sizeHint = 0) => inner.GetSpan(sizeHint);

        public override ValueTask<FlushResult> FlushAsync(CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref _flushes);
            return inner.FlushAsync(cancellationToken);
        }

        public override void CancelPendingFlush() => inner.CancelPendingFlush();

        public override void Complete(Exception? exception = null) => inner.Complete(exception);
    }
}
