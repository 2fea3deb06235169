using System.CommandLine;
using Alknet.Cli.Hosting;
using Alknet.Cli.Tunnel;
using Microsoft.Extensions.Logging;

namespace Alknet.Cli.Commands;

/// <summary>
/// <c>alknet connect</c>: one SSH session to a server, a local SOCKS5 proxy whose connections become direct-tcpip
/// channels, and -L/-R forwards over the same session. Options and validation live in
/// <see cref="ConnectOptionsBinder"/>, the session in <see cref="TunnelRunner"/>.
/// </summary>
internal static class ConnectCommand
{
    public static Command Create(Option<LogLevel> logLevel)
    {
        var binder = new ConnectOptionsBinder();
        var command = new Command("connect",
            "Hold an SSH session to a server and expose a local SOCKS5 proxy through it (SOCKS5h: names are resolved by the server's " +
            "side), with ssh-style -L/-R port forwards; the session is re-established when it drops");
        binder.AddTo(command);
        command.SetAction(async (parse, _) =>
        {
            if (!binder.TryBind(parse, out var settings, out var error)) return Cli.Fail(error);
            using var loggers = CliLogging.Create(parse.GetValue(logLevel));
            var logger = loggers.CreateLogger("alknet.connect");
            using var shutdown = new ShutdownSignal();
            using var trimmer = IdleMemoryTrimmer.Start(logger);
            return await TunnelRunner.RunAsync(settings, logger, shutdown.Token).ConfigureAwait(false);
        });
        return command;
    }
}
