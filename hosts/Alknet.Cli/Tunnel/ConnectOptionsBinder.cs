using System.CommandLine;
using System.Net;
using Alknet.Cli.Hosting;
using Alknet.Engine.Dialing;
using Alknet.Ssh.Transport;

namespace Alknet.Cli.Tunnel;

/// <summary>
/// The options of <c>alknet connect</c>, with their help text and environment variables, and the one function that
/// turns a parse result into <see cref="TunnelSettings"/> or a clear error. Names follow ssh where ssh has the
/// concept (-L, -R, -i, --known-hosts, ServerAliveInterval as --keepalive-interval).
/// </summary>
internal sealed class ConnectOptionsBinder
{
    public const string DefaultSocks5Listen = "127.0.0.1:1080";
    private const string Socks5PassVariable = "ALKNET_SOCKS5_PASS";
    private const string ProxyVariable = "ALKNET_PROXY";

    private readonly Option<string> _server;
    private readonly Option<string> _user;
    private readonly Option<string> _identity;
    private readonly Option<string> _knownHosts;
    private readonly Option<bool> _acceptNew;
    private readonly Option<string> _socks5;
    private readonly Option<string> _socks5User;
    private readonly Option<string> _socks5Pass;
    private readonly Option<bool> _allowOpen;
    private readonly Option<string[]> _forward;
    private readonly Option<string[]> _remoteForward;
    private readonly Option<string> _proxy;
    private readonly Option<double> _keepaliveInterval;
    private readonly Option<int> _keepaliveCountMax;
    private readonly Option<double> _connectTimeout;
    private readonly SshAlgorithmFlags _algorithms = new();

    public ConnectOptionsBinder()
    {
        _server = CliOptions.String("--server", "The SSH server, HOST, HOST:PORT or [V6]:PORT (port 22 by default)", "ALKNET_SERVER");
        _server.HelpName = "HOST[:PORT]";
        _user = CliOptions.String("--user", "User name to log in as (default: the local user name, as with ssh)");
        _user.HelpName = "NAME";
        _identity = CliOptions.String("--identity",
            "Private key file (OpenSSH format); KEY-cert.pub beside it is used as a certificate. Passphrase from ALKNET_KEY_PASSPHRASE",
            "ALKNET_IDENTITY", alias: "-i");
        _identity.HelpName = "KEY";
        _knownHosts = CliOptions.String("--known-hosts",
            "known_hosts file the server's host key is checked against, as ssh's StrictHostKeyChecking=yes (default: ~/.ssh/known_hosts)");
        _knownHosts.HelpName = "FILE";
        _acceptNew = new Option<bool>("--accept-new")
        {
            Description = "Trust on first use, as ssh's StrictHostKeyChecking=accept-new: an unknown server's key is added to --known-hosts " +
                          "and accepted. A changed key is refused regardless",
        };
        _socks5 = CliOptions.String("--socks5", "Where the local SOCKS5 proxy listens; IPv6 as [::1]:1080", "ALKNET_SOCKS5_LISTEN", DefaultSocks5Listen);
        _socks5.HelpName = "ADDR:PORT";
        _socks5User = CliOptions.String("--socks5-user", "Require RFC 1929 username/password on the SOCKS5 port with this user name", "ALKNET_SOCKS5_USER");
        _socks5User.HelpName = "U";
        _socks5Pass = CliOptions.Secret("--socks5-pass", "The password for --socks5-user (prefer the environment: command lines are visible in ps)", Socks5PassVariable);
        _socks5Pass.HelpName = "P";
        _allowOpen = new Option<bool>("--allow-open")
        {
            Description = "Allow a non-loopback --socks5 without --socks5-user/--socks5-pass (an open proxy into the tunnel)",
        };
        _forward = new Option<string[]>("--forward", "-L")
        {
            Description = "Local forward, as ssh -L: listen on [bind_address:]port here (default bind 127.0.0.1; * or empty = all interfaces) " +
                          "and connect each connection to host:hostport from the server. IPv6 in brackets. Repeatable",
            HelpName = "[BIND:]PORT:HOST:HOSTPORT",
            AllowMultipleArgumentsPerToken = false,
        };
        _remoteForward = new Option<string[]>("--remote-forward", "-R")
        {
            Description = "Remote forward, as ssh -R: the server listens on [bind_address:]port (default: its loopback; * or empty = all " +
                          "interfaces if its GatewayPorts allows; port 0 = the server picks) and each connection is connected to host:hostport from here. Repeatable",
            HelpName = "[BIND:]PORT:HOST:HOSTPORT",
            AllowMultipleArgumentsPerToken = false,
        };
        _proxy = CliOptions.Secret("--proxy",
            "Reach the SSH server through an upstream proxy: socks5://[user:pass@]host:port or http://[user:pass@]host:port (HTTP CONNECT). " +
            "The proxy resolves the server's name", ProxyVariable);
        _proxy.HelpName = "URL";
        _keepaliveInterval = CliOptions.Seconds("--keepalive-interval",
            "Send a keepalive request after this long without data from the server, as ssh's ServerAliveInterval; 0 = off", 15);
        _keepaliveCountMax = CliOptions.Count("--keepalive-count-max",
            "Unanswered keepalives before the session is declared dead and re-established, as ssh's ServerAliveCountMax", 3, min: 1);
        _connectTimeout = CliOptions.Seconds("--connect-timeout",
            "Connecting (through --proxy too), key exchange and authentication must finish in this time; 0 = no limit", 15);
    }

    public void AddTo(Command command)
    {
        ArgumentNullException.ThrowIfNull(command);
        foreach (var option in (Option[])[_server, _user, _identity, _knownHosts, _acceptNew, _socks5, _socks5User, _socks5Pass, _allowOpen,
                     _forward, _remoteForward, _proxy, _keepaliveInterval, _keepaliveCountMax, _connectTimeout])
            command.Options.Add(option);
        _algorithms.AddTo(command);
    }

    /// <summary>
    /// Validates everything that can be checked without touching the network or the key files' contents. On failure
    /// <paramref name="error"/> names the flag and the problem; it never quotes a forward's target.
    /// </summary>
    public bool TryBind(ParseResult parse, out TunnelSettings settings, out string error)
    {
        ArgumentNullException.ThrowIfNull(parse);
        settings = null!;
        if (parse.Errors.Count > 0)
        {
            error = parse.Errors[0].Message;
            return false;
        }

        string? serverText = parse.GetValue(_server);
        if (string.IsNullOrEmpty(serverText)) return Fail("--server is required (or set ALKNET_SERVER)", out error);
        if (!SshServerAddress.TryParse(serverText, out var host, out var port, out error)) return Fail($"--server: {error}", out error);
        if (port == 0) return Fail("--server: port 0 cannot be connected to", out error);

        string user = parse.GetValue(_user) ?? Environment.UserName;
        if (user.Length == 0) return Fail("--user is empty", out error);

        string? identity = parse.GetValue(_identity);
        if (string.IsNullOrEmpty(identity)) return Fail("--identity is required (or set ALKNET_IDENTITY)", out error);

        string? knownHosts = parse.GetValue(_knownHosts);
        if (knownHosts is null)
        {
            // DoNotVerify: a home without ~/.ssh yet is fine (accept-new creates it), and so is one that does not exist.
            string home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile, Environment.SpecialFolderOption.DoNotVerify);
            if (home.Length == 0) return Fail("no home directory for the default ~/.ssh/known_hosts: give --known-hosts FILE", out error);
            knownHosts = Path.Combine(home, ".ssh", "known_hosts");
        }
        else if (knownHosts.Length == 0) return Fail("--known-hosts is empty", out error);

        if (!EndpointParser.TryParseListen(parse.GetValue(_socks5)!, out var socks5, out error)) return Fail($"--socks5: {error}", out error);
        if (!Socks5ListenGuard.TryBuildCredentials(parse.GetValue(_socks5User), CliOptions.SecretValue(parse, _socks5Pass, Socks5PassVariable), "--socks5-user", "--socks5-pass",
                out var credentials, out error)) return false;
        if (!Socks5ListenGuard.TryAllowListen(socks5, credentials, parse.GetValue(_allowOpen), "--socks5-user", "--socks5-pass", out error))
            return false;

        if (!TryForwards(parse.GetValue(_forward), ForwardDirection.Local, "--forward", out var local, out error)) return false;
        if (!TryForwards(parse.GetValue(_remoteForward), ForwardDirection.Remote, "--remote-forward", out var remote, out error)) return false;
        if (!CheckLocalListeners(socks5, local, out error)) return false;
        if (!CheckRemoteListeners(remote, out error)) return false;

        UpstreamProxy? proxy = null;
        string? proxyUrl = CliOptions.SecretValue(parse, _proxy, ProxyVariable);
        if (!string.IsNullOrEmpty(proxyUrl) && !UpstreamProxy.TryParse(proxyUrl, out proxy, out var proxyError))
            return Fail($"--proxy: {proxyError}", out error);

        if (!_algorithms.TryBuild(parse, out var algorithms, out error)) return false;

        settings = new TunnelSettings
        {
            ServerHost = host,
            ServerPort = port,
            User = user,
            IdentityPath = identity,
            KnownHostsPath = knownHosts,
            HostKeyChecking = parse.GetValue(_acceptNew) ? StrictHostKeyChecking.AcceptNew : StrictHostKeyChecking.Yes,
            Socks5Listen = socks5,
            Socks5Credentials = credentials,
            LocalForwards = local,
            RemoteForwards = remote,
            Proxy = proxy,
            Algorithms = algorithms,
            PreferKnownHostKeyAlgorithms = HostKeyAlgorithmOrder.AppliesTo(_algorithms.HostKeyAlgorithmsSpec(parse)),
            KeepaliveInterval = CliOptions.ToTimeSpan(parse.GetValue(_keepaliveInterval)),
            KeepaliveCountMax = parse.GetValue(_keepaliveCountMax),
            ConnectTimeout = CliOptions.ToTimeSpan(parse.GetValue(_connectTimeout)),
        };
        error = "";
        return true;
    }

    private static bool Fail(string message, out string error)
    {
        error = message;
        return false;
    }

    /// <summary>Forwards are named by position, not by text: the text holds a tunnel destination.</summary>
    private static bool TryForwards(string[]? values, ForwardDirection direction, string flag, out List<ForwardSpec> specs, out string error)
    {
        specs = [];
        error = "";
        if (values is null) return true;
        for (int i = 0; i < values.Length; i++)
        {
            if (!ForwardSpec.TryParse(values[i], direction, out var spec, out var reason))
                return Fail($"{flag} #{i + 1}: {reason}", out error);
            specs.Add(spec);
        }
        return true;
    }

    /// <summary>Two listeners here on the same port would fail at bind time, after the session is up; say so now.</summary>
    private static bool CheckLocalListeners(IPEndPoint socks5, List<ForwardSpec> local, out string error)
    {
        error = "";
        for (int i = 0; i < local.Count; i++)
        {
            var endpoint = local[i].ListenEndPoint;
            if (Overlaps(endpoint, socks5))
                return Fail($"--forward #{i + 1} listens on {endpoint}, where --socks5 listens", out error);
            for (int j = 0; j < i; j++)
            {
                if (Overlaps(endpoint, local[j].ListenEndPoint))
                    return Fail($"--forward #{i + 1} listens on {endpoint}, as --forward #{j + 1} does", out error);
            }
        }
        return true;
    }

    private static bool CheckRemoteListeners(List<ForwardSpec> remote, out string error)
    {
        error = "";
        for (int i = 0; i < remote.Count; i++)
        {
            if (remote[i].BindPort == 0) continue; // the server picks a fresh port for each
            for (int j = 0; j < i; j++)
            {
                if (remote[j].BindPort == remote[i].BindPort &&
                    string.Equals(remote[j].RequestedBindAddress, remote[i].RequestedBindAddress, StringComparison.OrdinalIgnoreCase))
                    return Fail($"--remote-forward #{i + 1} asks the server for port {remote[i].BindPort}, as --remote-forward #{j + 1} does", out error);
            }
        }
        return true;
    }

    private static bool Overlaps(IPEndPoint a, IPEndPoint b) =>
        a.Port == b.Port && a.Port != 0 && (a.Address.Equals(b.Address) || IsAny(a.Address) || IsAny(b.Address));

    private static bool IsAny(IPAddress address) => address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any);
}
