using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Alknet.Cli.Hosting;

/// <summary>
/// One logging setup for every command: single-line records on stderr with UTC timestamps, so that systemd's
/// journal, fail2ban and a terminal all read the same lines. Stdout stays free for command output.
/// <para>
/// The provider is <see cref="LineLoggerProvider"/>, not AddSimpleConsole: same bytes per line, but formatted once
/// into UTF-8 and written in batches by one thread, so a logging call costs no system call and no queue hop
/// (docs/decisions/log-provider.md). Dispose the factory before exiting: that writes every queued line.
/// </para>
/// </summary>
internal static class CliLogging
{
    /// <summary>
    /// Straight to file descriptor 2, not through Console.Error: that writer flushes (one write system call) per
    /// call, and the batches are already whole lines. Lines are UTF-8, as Console.Error's are on Linux.
    /// </summary>
    public static ILoggerFactory Create(LogLevel minimum) => Create(minimum, Console.OpenStandardError(), flushOnProcessExit: true);

    /// <summary>The same setup over any stream, for tests.</summary>
    internal static ILoggerFactory Create(LogLevel minimum, Stream sink, LineWriterOptions? options = null, TimeProvider? clock = null,
        bool flushOnProcessExit = false) =>
        LoggerFactory.Create(builder =>
        {
            builder.SetMinimumLevel(minimum);
            // Registered through a factory delegate so the container owns the provider and disposes it (and so
            // flushes it) when the logger factory is disposed; an instance registration would never be disposed.
            builder.Services.AddSingleton<ILoggerProvider>(_ => new LineLoggerProvider(minimum, sink, options, clock, flushOnProcessExit));
        });
}
