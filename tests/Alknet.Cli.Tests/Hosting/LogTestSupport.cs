using System.Text;
using Alknet.Cli.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Console;

namespace Alknet.Cli.Tests.Hosting;

/// <summary>A clock stopped at one instant, so a line's timestamp is known in advance.</summary>
internal sealed class FixedClock(DateTimeOffset now) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => now;
}

/// <summary>
/// The provider the CLI used before <see cref="LineLoggerProvider"/>: Microsoft's SimpleConsole formatter with the
/// exact options CliLogging set, fed every record the way ConsoleLogger feeds it, into a string.
/// </summary>
internal sealed class SimpleConsoleReference : ILogger, IDisposable
{
    private readonly ServiceProvider _services;
    private readonly ConsoleFormatter _formatter;
    private readonly StringWriter _output = new();
    private readonly string _category;

    public SimpleConsoleReference(string category)
    {
        _category = category;
        _services = new ServiceCollection().AddLogging(b => b.AddSimpleConsole(o =>
        {
            o.SingleLine = true;
            o.IncludeScopes = false;
            o.UseUtcTimestamp = true;
            o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ ";
            o.ColorBehavior = LoggerColorBehavior.Disabled;
        })).BuildServiceProvider();
        _formatter = _services.GetServices<ConsoleFormatter>().Single(f => f.Name == ConsoleFormatterNames.Simple);
    }

    public string Output => _output.ToString();

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
        _formatter.Write(new LogEntry<TState>(logLevel, _category, eventId, state, exception, formatter), scopeProvider: null, _output);

    public void Dispose() => _services.Dispose();
}

/// <summary>A sink whose writes block until released, as a full pipe or a stopped terminal would.</summary>
internal sealed class BlockingStream : Stream
{
    private readonly ManualResetEventSlim _release = new();
    private readonly MemoryStream _written = new();

    public ManualResetEventSlim FirstWriteEntered { get; } = new();

    /// <summary>Set when a write gave up waiting: the test would otherwise hang, so it fails on this instead.</summary>
    public bool GaveUp { get; private set; }

    public byte[] Written
    {
        get { lock (_written) return _written.ToArray(); }
    }

    public void Release() => _release.Set();

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        FirstWriteEntered.Set();
        if (!_release.Wait(TimeSpan.FromSeconds(30))) GaveUp = true;
        lock (_written) _written.Write(buffer);
    }

    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _release.Dispose();
            FirstWriteEntered.Dispose();
        }

        base.Dispose(disposing);
    }
}

internal static class LogText
{
    public static string[] Lines(byte[] output) =>
        Encoding.UTF8.GetString(output).Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries);
}
