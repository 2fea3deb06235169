using System.Text;
using Alknet.Cli.Hosting;

namespace Alknet.Cli.Tests.Hosting;

/// <summary>
/// The writer's promises: no line appended before Dispose is lost, one thread's lines keep their order, and a sink
/// that stops accepting bytes costs log lines (counted and reported) rather than blocking or growing memory.
/// </summary>
[TestFixture]
public sealed class LineWriterTests
{
    private static readonly string[] BeforeAndLate = ["before", "late"];
    private static readonly string[] One = ["one"];

    [Test]
    public void Append_SeveralThreadsThenDispose_EveryLineOncePerThreadInOrder()
    {
        const int threads = 4;
        const int perThread = 5000;
        var sink = new MemoryStream();
        var writer = new LineWriter(sink, new LineWriterOptions { Capacity = 64 * 1024 * 1024 });
        using var start = new Barrier(threads);
        var workers = Enumerable.Range(0, threads).Select(t => new Thread(() =>
        {
            start.SignalAndWait();
            for (int i = 0; i < perThread; i++) writer.Append(Encoding.UTF8.GetBytes($"t={t} n={i}\n"));
        })).ToList();

        workers.ForEach(w => w.Start());
        workers.ForEach(w => w.Join());
        writer.Dispose();

        var lines = LogText.Lines(sink.ToArray());
        Assert.That(lines, Has.Length.EqualTo(threads * perThread));
        for (int t = 0; t < threads; t++)
        {
            var mine = lines.Where(l => l.StartsWith($"t={t} ", StringComparison.Ordinal)).Select(l => int.Parse(l[(l.IndexOf("n=", StringComparison.Ordinal) + 2)..])).ToArray();
            Assert.That(mine, Is.EqualTo(Enumerable.Range(0, perThread).ToArray()), $"thread {t}");
        }
    }

    [Test]
    public void Append_SinkBlocked_DropsBeyondCapacityAndReportsTheCount()
    {
        using var sink = new BlockingStream();
        var line = Encoding.UTF8.GetBytes(new string('x', 99) + "\n");
        var writer = new LineWriter(sink, new LineWriterOptions { Capacity = 10 * line.Length });
        writer.Append("first\n"u8);
        Assert.That(sink.FirstWriteEntered.Wait(TimeSpan.FromSeconds(30)), Is.True, "the writer took the first line");

        // The writer is stuck in its write: ten lines fit the queue, twenty do not. None of these calls waits.
        for (int i = 0; i < 30; i++) writer.Append(Number(line, i));
        Assert.That(writer.DroppedPending, Is.EqualTo(20));

        sink.Release();
        Assert.That(writer.Flush(TimeSpan.FromSeconds(30)), Is.True);
        writer.Append("after\n"u8);
        writer.Dispose();

        Assert.That(sink.GaveUp, Is.False, "Append returned while the sink was blocked");
        var lines = LogText.Lines(sink.Written);
        Assert.That(lines, Has.Length.EqualTo(13));
        Assert.Multiple(() =>
        {
            Assert.That(lines[0], Is.EqualTo("first"));
            for (int i = 0; i < 10; i++) Assert.That(lines[1 + i], Does.StartWith($"{i:D2}x"));
            Assert.That(lines[11], Does.Match(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z warn: alknet\.log\[0\] 20 log lines dropped: "));
            Assert.That(lines[12], Is.EqualTo("after"));
            Assert.That(writer.DroppedPending, Is.Zero);
        });
    }

    [Test]
    public void Append_BurstWhileLingering_WrittenWithoutWaitingOutTheLinger()
    {
        var sink = new LockedStream();
        using var writer = new LineWriter(sink, new LineWriterOptions { Linger = TimeSpan.FromHours(1), WakeAt = 1024 });
        writer.Append("first\n"u8);
        Assert.That(SpinWait.SpinUntil(() => sink.Lines == 1, TimeSpan.FromSeconds(30)), Is.True, "the parked writer woke for the first line");

        // The writer now lingers for an hour; the line that takes the queue past WakeAt must cut that short (no Flush,
        // no Dispose here). Eleven 100-byte lines: only the eleventh reaches 1024, so all eleven go in that batch.
        // (Lines after a wake that stay below WakeAt would wait out the linger, as designed.)
        var line = Encoding.UTF8.GetBytes(new string('y', 99) + "\n");
        for (int i = 0; i < 11; i++) writer.Append(line);

        Assert.That(SpinWait.SpinUntil(() => sink.Lines == 12, TimeSpan.FromSeconds(30)), Is.True, "the burst was written during the linger");
    }

    [Test]
    public void Dispose_SinkBlocked_ReturnsAfterItsTimeout()
    {
        using var sink = new BlockingStream();
        var writer = new LineWriter(sink, new LineWriterOptions { DisposeTimeout = TimeSpan.FromMilliseconds(100) });
        writer.Append("stuck\n"u8);
        Assert.That(sink.FirstWriteEntered.Wait(TimeSpan.FromSeconds(30)), Is.True);

        Assert.That(writer.Flush(TimeSpan.FromMilliseconds(50)), Is.False, "nothing could be written");
        writer.Dispose(); // returns instead of waiting for stderr forever
        sink.Release();
    }

    [Test]
    public void Append_AfterDispose_WrittenDirectly()
    {
        var sink = new MemoryStream();
        var writer = new LineWriter(sink);
        writer.Append("before\n"u8);
        writer.Dispose();

        writer.Append("late\n"u8);

        Assert.That(LogText.Lines(sink.ToArray()), Is.EqualTo(BeforeAndLate));
    }

    [Test]
    public void Append_SinkThrows_WriterCarriesOn()
    {
        var writer = new LineWriter(new FailingStream());
        writer.Append("lost\n"u8);

        Assert.That(writer.Flush(TimeSpan.FromSeconds(30)), Is.True);
        Assert.DoesNotThrow(writer.Dispose);
    }

    [Test]
    public void Flush_IdleWriter_ReturnsTrue()
    {
        var sink = new MemoryStream();
        using var writer = new LineWriter(sink);

        Assert.That(writer.Flush(TimeSpan.FromSeconds(30)), Is.True);
        writer.Append("one\n"u8);
        Assert.That(writer.Flush(TimeSpan.FromSeconds(30)), Is.True);
        Assert.That(LogText.Lines(sink.ToArray()), Is.EqualTo(One));
    }

    private static byte[] Number(byte[] line, int i)
    {
        var copy = (byte[])line.Clone();
        copy[0] = (byte)('0' + i / 10);
        copy[1] = (byte)('0' + i % 10);
        return copy;
    }

    /// <summary>A memory sink that can be read while the writer thread writes to it.</summary>
    private sealed class LockedStream : MemoryStream
    {
        private int _lines;

        public int Lines => Volatile.Read(ref _lines);

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            lock (this) base.Write(buffer);
            Interlocked.Add(ref _lines, buffer.Count((byte)'\n'));
        }
    }

    private sealed class FailingStream : MemoryStream
    {
        public override void Write(ReadOnlySpan<byte> buffer) => throw new IOException("broken pipe");
    }
}
