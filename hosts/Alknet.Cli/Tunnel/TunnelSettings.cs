using System.Net;
using Alknet.Cli.Hosting;
using Alknet.Engine.Dialing;
using Alknet.Engine.Socks5;
using Alknet.Ssh;
using Alknet.Ssh.Auth;
using Alknet.Ssh.Transport;

namespace Alknet.Cli.Tunnel;

/// <summary>
/// Everything <c>alknet connect</c> was told, validated: built by <see cref="ConnectOptionsBinder.TryBind"/>, read by
/// <see cref="TunnelRunner"/>. Paths are kept as paths; the identity is loaded by the runner, once, before it dials.
/// </summary>
internal sealed record TunnelSettings
{
    public required string ServerHost { get; init; }

    public ushort ServerPort { get; init; } = 22;

    public required string User { get; init; }

    /// <summary>The private key; KEY-cert.pub beside it is used too (see IdentityLoader). Passphrase from ALKNET_KEY_PASSPHRASE.</summary>
    public required string IdentityPath { get; init; }

    public required string KnownHostsPath { get; init; }

    /// <summary><see cref="StrictHostKeyChecking.Yes"/>, or <see cref="StrictHostKeyChecking.AcceptNew"/> with --accept-new.</summary>
    public StrictHostKeyChecking HostKeyChecking { get; init; } = StrictHostKeyChecking.Yes;

    public IPEndPoint Socks5Listen { get; init; } = new(IPAddress.Loopback, 1080);

    /// <summary>RFC 1929 username/password the local SOCKS5 port requires; null for none.</summary>
    public Socks5Credentials? Socks5Credentials { get; init; }

    /// <summary>-L forwards, in command-line order.</summary>
    public IReadOnlyList<ForwardSpec> LocalForwards { get; init; } = [];

    /// <summary>-R forwards, in command-line order.</summary>
    public IReadOnlyList<ForwardSpec> RemoteForwards { get; init; } = [];

    /// <summary>The upstream proxy the SSH connection goes through; null for a direct connection.</summary>
    public UpstreamProxy? Proxy { get; init; }

    public SshAlgorithmOptions Algorithms { get; init; } = new();

    /// <summary>Whether host key algorithms are reordered by the key types known_hosts holds (see <see cref="HostKeyAlgorithmOrder"/>).</summary>
    public bool PreferKnownHostKeyAlgorithms { get; init; } = true;

    /// <summary>ssh's ServerAliveInterval: a keepalive request after this long without data from the server;
    /// <see cref="Timeout.InfiniteTimeSpan"/> when off.</summary>
    public TimeSpan KeepaliveInterval { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>ssh's ServerAliveCountMax: unanswered keepalives before the session is declared dead and re-established.</summary>
    public int KeepaliveCountMax { get; init; } = 3;

    /// <summary>Covers TCP connect, the upstream proxy's handshake, key exchange and authentication.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(15);

    public StrictHostKeyVerifier CreateHostKeyVerifier() => new(KnownHostsPath, ServerHost, ServerPort, HostKeyChecking);

    public SshServerConnector CreateServerConnector() =>
        new(Proxy, new DialerOptions
        {
            ConnectTimeout = ConnectTimeout,
            HandshakeTimeout = ConnectTimeout,
            Pool = MeasurementKnobs.SessionSocket.Pool,
            Connection = MeasurementKnobs.SessionSocket.Options,
        });

    /// <summary>
    /// The client options for one connection attempt. Host key algorithms are reordered from known_hosts on every
    /// attempt, because an accept-new on the previous attempt may have just recorded the server's key.
    /// </summary>
    public async ValueTask<SshClientOptions> CreateClientOptionsAsync(SshClientIdentity identity, StrictHostKeyVerifier verifier,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(identity);
        ArgumentNullException.ThrowIfNull(verifier);
        var algorithms = Algorithms;
        if (PreferKnownHostKeyAlgorithms)
        {
            var known = await verifier.KnownKeyTypesAsync(cancellationToken).ConfigureAwait(false);
            algorithms = new SshAlgorithmOptions
            {
                KeyExchange = Algorithms.KeyExchange,
                HostKey = HostKeyAlgorithmOrder.PreferKnown([.. Algorithms.HostKey], known),
                Ciphers = Algorithms.Ciphers,
                Macs = Algorithms.Macs,
            };
        }
        return new SshClientOptions
        {
            Host = ServerHost,
            Port = ServerPort,
            User = User,
            Identities = [identity],
            HostKeyVerifier = verifier,
            HandshakeTimeout = ConnectTimeout,
            Algorithms = algorithms,
        };
    }
}
