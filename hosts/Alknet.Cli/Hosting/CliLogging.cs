using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;

namespace Alknet.Cli.Hosting;

/// <summary>
/// One logging setup for every command: single-line records on stderr with UTC timestamps, so that systemd's
/// journal, fail2ban and a terminal all read the same lines. Stdout stays free for command output.
/// </summary>
internal static class CliLogging
{
    public static ILoggerFactory Create(LogLevel minimum) =>
        LoggerFactory.Create(builder =>
        {
            builder.SetMinimumLevel(minimum);
            builder.AddSimpleConsole(o =>
            {
                o.SingleLine = true;
                o.IncludeScopes = false;
                o.UseUtcTimestamp = true;
                o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ ";
                o.ColorBehavior = LoggerColorBehavior.Disabled;
            });
            builder.Services.Configure<ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        });
}
