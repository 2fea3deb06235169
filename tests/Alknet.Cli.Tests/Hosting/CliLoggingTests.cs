using Alknet.Cli.Hosting;
using Microsoft.Extensions.Logging;

// The tests log through extension methods with arguments on purpose: that is one of the shapes being checked.
#pragma warning disable CA1873

namespace Alknet.Cli.Tests.Hosting;

/// <summary>The factory the commands use: it honours --log-level, and disposing it writes every queued line.</summary>
[TestFixture]
public sealed class CliLoggingTests
{
    private static readonly LogLevel[] Levels = [LogLevel.Trace, LogLevel.Debug, LogLevel.Information, LogLevel.Warning, LogLevel.Error, LogLevel.Critical];

    [TestCase(LogLevel.Trace)]
    [TestCase(LogLevel.Information)]
    [TestCase(LogLevel.Warning)]
    [TestCase(LogLevel.Critical)]
    [TestCase(LogLevel.None)]
    public void Log_MinimumLevel_OnlyThatLevelAndAbove(LogLevel minimum)
    {
        var sink = new MemoryStream();
        var enabled = new List<LogLevel>();
        using (var factory = CliLogging.Create(minimum, sink))
        {
            var logger = factory.CreateLogger("alknet.test");
            foreach (var level in Levels)
            {
                if (logger.IsEnabled(level)) enabled.Add(level);
                logger.Log(level, new EventId(1), "at {Level}", level);
            }

            Assert.That(logger.IsEnabled(LogLevel.None), Is.False);
        }

        var expected = Levels.Where(l => l >= minimum).ToArray();
        var lines = LogText.Lines(sink.ToArray());
        Assert.That(enabled, Is.EqualTo(expected));
        Assert.That(lines.Select(l => l[(l.LastIndexOf(' ') + 1)..]), Is.EqualTo(expected.Select(l => l.ToString())));
    }

    [Test]
    public void Dispose_LinesStillQueued_AllWrittenInOrder()
    {
        var sink = new MemoryStream();
        var factory = CliLogging.Create(LogLevel.Information, sink);
        var a = factory.CreateLogger("alknet.a");
        var b = factory.CreateLogger("alknet.b");
        for (int i = 0; i < 1000; i++) (i % 2 == 0 ? a : b).LogInformation("line {N}", i);

        factory.Dispose();

        var lines = LogText.Lines(sink.ToArray());
        Assert.That(lines.Select(l => int.Parse(l[(l.LastIndexOf(' ') + 1)..])), Is.EqualTo(Enumerable.Range(0, 1000)));
        Assert.That(lines[1], Does.Contain(" info: alknet.b[0] line 1"));
    }
}
