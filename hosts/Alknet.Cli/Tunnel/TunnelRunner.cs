using Microsoft.Extensions.Logging;

namespace Alknet.Cli.Tunnel;

/// <summary>
/// NOT IMPLEMENTED YET — to be written with the SSH connection layer (channels, direct-tcpip, tcpip-forward,
/// forwarded-tcpip). It will hold the SSH session of <c>alknet connect</c> and re-establish it when it drops:
/// <list type="number">
/// <item>load the identity once (IdentityLoader.TryLoad(settings.IdentityPath, …));</item>
/// <item>per attempt: <see cref="TunnelSettings.CreateServerConnector"/>.ConnectAsync(host, port) →
///   <see cref="TunnelSettings.CreateClientOptionsAsync"/> with <see cref="TunnelSettings.CreateHostKeyVerifier"/> →
///   SshClient.ConnectAsync(connection, options);</item>
/// <item>serve SOCKS5 on <see cref="TunnelSettings.Socks5Listen"/> with the session as the dialer, open the -L
///   listeners and send the -R tcpip-forward requests (<see cref="ForwardSpec.RequestedBindAddress"/>);</item>
/// <item>on loss of the session wait <see cref="ReconnectBackoff.NextDelay"/> and retry, forever; a host key refusal
///   (StrictHostKeyVerifier.LastRefusal.Describe()) is final and exits non-zero.</item>
/// </list>
/// Until then it says so and exits non-zero: the command must not pretend to work.
/// </summary>
internal static class TunnelRunner
{
    public static Task<int> RunAsync(TunnelSettings settings, ILogger logger, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(logger);
        Console.Error.WriteLine("alknet connect: tunnel not implemented yet");
        return Task.FromResult(1);
    }
}
