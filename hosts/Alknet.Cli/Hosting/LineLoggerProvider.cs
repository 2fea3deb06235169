using Microsoft.Extensions.Logging;

namespace Alknet.Cli.Hosting;

/// <summary>
/// The CLI's logger provider: SimpleConsole's single-line format (see <see cref="LineFormat"/>), written in batches
/// by one <see cref="LineWriter"/> thread. Disposing it (the logger factory does) writes every queued line first.
/// </summary>
internal sealed class LineLoggerProvider : ILoggerProvider
{
    /// <summary>How long a process-exit or crash hook waits for queued lines.</summary>
    private static readonly TimeSpan ExitFlushTimeout = TimeSpan.FromSeconds(2);

    private readonly LineWriter _writer;
    private readonly LogLevel _minimum;
    private readonly TimeProvider _clock;
    private readonly bool _hooked;

    /// <param name="minimum">Lowest level written; <see cref="ILogger.IsEnabled"/> answers from it alone.</param>
    /// <param name="sink">Where lines go (stderr for the CLI); not disposed here.</param>
    /// <param name="flushOnProcessExit">
    /// Also flush when the process exits without disposing the factory, or dies of an unhandled exception, so the
    /// lines leading up to a crash are not lost with it. Only for the process's own logger, not for tests.
    /// </param>
    public LineLoggerProvider(LogLevel minimum, Stream sink, LineWriterOptions? options = null, TimeProvider? clock = null, bool flushOnProcessExit = false)
    {
        _minimum = minimum;
        _clock = clock ?? TimeProvider.System;
        _writer = new LineWriter(sink, options);
        if (flushOnProcessExit)
        {
            AppDomain.CurrentDomain.ProcessExit += OnExit;
            AppDomain.CurrentDomain.UnhandledException += OnExit;
            _hooked = true;
        }
    }

    internal LineWriter Writer => _writer;

    public ILogger CreateLogger(string categoryName) => new LineLogger(categoryName, _writer, _minimum, _clock);

    public void Dispose()
    {
        if (_hooked)
        {
            AppDomain.CurrentDomain.ProcessExit -= OnExit;
            AppDomain.CurrentDomain.UnhandledException -= OnExit;
        }

        _writer.Dispose();
    }

    private void OnExit(object? sender, EventArgs e) => _writer.Flush(ExitFlushTimeout);
}
