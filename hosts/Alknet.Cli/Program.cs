using System.CommandLine;
using Alknet.Cli.Commands;
using Alknet.Cli.Hosting;

namespace Alknet.Cli;

internal static class Program
{
    private static int Main(string[] args)
    {
        var parsed = CreateRootCommand().Parse(args);
        if (parsed.Errors.Count > 0) return Cli.UsageErrors(parsed);
        // Signals are handled by the commands themselves (drain, then exit 0).
        return parsed.Invoke(new InvocationConfiguration { ProcessTerminationTimeout = null });
    }

    /// <summary>The command tree, separate from <see cref="Main"/> so that tests can run commands in-process.</summary>
    internal static RootCommand CreateRootCommand()
    {
        var logLevel = CliOptions.LogLevelOption();
        return new RootCommand("Alknet: a SOCKS5 proxy and SSH tunnel engine")
        {
            logLevel,
            DemoCommand.Create(logLevel),
            ConnectCommand.Create(logLevel),
            ServeCommand.Create(logLevel),
            SocksCommand.Create(logLevel),
            Socks5TestCommand.Create(),
            KeygenCommand.Create(),
            ProbeCommand.Create(),
        };
    }
}
