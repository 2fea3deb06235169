using System.Runtime.InteropServices;

namespace Alknet.Cli.Hosting;

/// <summary>
/// Turns SIGINT and SIGTERM into a cancellation token, so that a server stops accepting, drains for a bounded
/// time and exits 0 instead of being killed mid-transfer (systemd sends SIGTERM on stop).
/// </summary>
internal sealed class ShutdownSignal : IDisposable
{
    private readonly CancellationTokenSource _cts = new();
    private readonly PosixSignalRegistration _sigint;
    private readonly PosixSignalRegistration _sigterm;

    public ShutdownSignal()
    {
        _sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, Handle);
        _sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Handle);
    }

    public CancellationToken Token => _cts.Token;

    private void Handle(PosixSignalContext context)
    {
        // Keep the process alive: the command observes the token and exits on its own after draining.
        context.Cancel = true;
        _cts.Cancel();
    }

    public void Dispose()
    {
        _sigint.Dispose();
        _sigterm.Dispose();
        _cts.Dispose();
    }
}
