using System.CommandLine;
using System.Net.Sockets;
using Alknet.Cli.Hosting;
using Alknet.Engine.Dialing;
using Alknet.Ssh;
using Alknet.Ssh.Keys;
using Alknet.Ssh.Transport;

namespace Alknet.Cli.Commands;

/// <summary>
/// <c>alknet probe</c>: connects to an SSH server, authenticates, prints what was negotiated and the host key's
/// fingerprint, then disconnects. Exit 0 on success; on failure the disconnect reason in words and exit 1.
/// </summary>
internal static class ProbeCommand
{
    public static Command Create()
    {
        var server = new Option<string>("--server") { Description = "The SSH server, HOST or HOST:PORT (port 22 by default) [env: ALKNET_SERVER]", HelpName = "HOST[:PORT]" };
        server.DefaultValueFactory = _ => Environment.GetEnvironmentVariable("ALKNET_SERVER")!;
        var user = CliOptions.String("--user", "User name to log in as (default: the local user name, as with ssh)", null, null);
        var identity = CliOptions.String("--identity", "Private key file (OpenSSH format); KEY-cert.pub beside it is used as a certificate. Passphrase from ALKNET_KEY_PASSPHRASE", "ALKNET_IDENTITY", null, "-i");
        identity.HelpName = "KEY";
        var knownHosts = CliOptions.String("--known-hosts", "Check the host key against this known_hosts file; without it the key is reported, not checked", null);
        knownHosts.HelpName = "FILE";
        var timeout = CliOptions.Seconds("--timeout", "Connect, key exchange and authentication must finish in this time", 15);
        var algorithms = new SshAlgorithmFlags();

        var command = new Command("probe", "Connect to an SSH server, authenticate, and report the negotiated algorithms and host key")
        {
            server, user, identity, knownHosts, timeout,
        };
        algorithms.AddTo(command);
        command.SetAction(async (parse, ct) =>
        {
            string? serverText = parse.GetValue(server);
            if (string.IsNullOrEmpty(serverText)) return Cli.Fail("--server is required (or set ALKNET_SERVER)");
            if (!SshServerAddress.TryParse(serverText, out var host, out var port, out var error)) return Cli.Fail($"--server: {error}");
            string? identityPath = parse.GetValue(identity);
            if (string.IsNullOrEmpty(identityPath)) return Cli.Fail("--identity is required (or set ALKNET_IDENTITY)");
            if (!IdentityLoader.TryLoad(identityPath, out var id, out error)) return Cli.Fail(error);
            if (!algorithms.TryBuild(parse, out var algorithmOptions, out error)) return Cli.Fail(error);

            string? knownHostsPath = parse.GetValue(knownHosts);
            IHostKeyVerifier verifier;
            KnownHostsVerifier? checker = null;
            if (knownHostsPath is null) verifier = new AcceptAnyHostKeyVerifier();
            else
            {
                try { verifier = checker = new KnownHostsVerifier(KnownHostsFile.Load(knownHostsPath), host, port); }
                catch (Exception e) when (e is FormatException or IOException) { return Cli.Fail($"--known-hosts: {e.Message}"); }
            }

            var options = new SshClientOptions
            {
                Host = host,
                Port = port,
                User = parse.GetValue(user) ?? Environment.UserName,
                Identities = [id],
                HostKeyVerifier = verifier,
                HandshakeTimeout = CliOptions.ToTimeSpan(parse.GetValue(timeout)),
                Algorithms = algorithmOptions,
            };
            var dialer = new DirectDialer(new DialerOptions { ConnectTimeout = options.HandshakeTimeout });
            Alknet.Engine.Transport.IConnection connection;
            try
            {
                connection = await dialer.DialAsync(new DialTarget(host, port), ct).ConfigureAwait(false);
            }
            catch (DialException e)
            {
                Console.Error.WriteLine($"alknet probe: cannot connect to {host}:{port}: {Alknet.Engine.Socks5.Socks5ReplyCodeText.Describe(e.Reply)}");
                return 1;
            }
            await using (connection)
            {
                try
                {
                    await using var session = await SshClient.ConnectAsync(connection, options, ct).ConfigureAwait(false);
                    Print(session, id.Certificate is not null, checker is not null);
                    await session.DisconnectAsync(SshDisconnectReason.ByApplication, "probe done", CancellationToken.None).ConfigureAwait(false);
                    return 0;
                }
                catch (SshProtocolException e)
                {
                    return Failed(e.Reason, e.Message, byPeer: false, checker);
                }
                catch (SshDisconnectedException e)
                {
                    return Failed(e.Reason, e.Description, e.ByPeer, checker);
                }
                catch (Exception e) when (e is OperationCanceledException or TimeoutException)
                {
                    Console.Error.WriteLine($"alknet probe: {host}:{port} did not complete the handshake within {parse.GetValue(timeout)}s");
                    return 1;
                }
                catch (Exception e) when (e is IOException or SocketException)
                {
                    Console.Error.WriteLine($"alknet probe: connection to {host}:{port} lost: {e.Message}");
                    return 1;
                }
            }
        });
        return command;
    }

    private static void Print(SshSession session, bool certificate, bool checkedKnownHosts)
    {
        var a = session.Algorithms;
        Console.Out.WriteLine($"server:        {session.RemoteVersion}");
        Console.Out.WriteLine($"host key:      {session.HostKey.KeyType} {session.HostKey.Fingerprint}" +
                              (checkedKnownHosts ? " (matches known_hosts)" : " (not checked: no --known-hosts)"));
        Console.Out.WriteLine($"kex:           {a.KeyExchange}");
        Console.Out.WriteLine($"host key alg:  {a.HostKey}");
        Console.Out.WriteLine($"cipher c->s:   {a.CipherClientToServer}{Mac(a.MacClientToServer)}");
        Console.Out.WriteLine($"cipher s->c:   {a.CipherServerToClient}{Mac(a.MacServerToClient)}");
        Console.Out.WriteLine($"strict kex:    {(session.StrictKex ? "yes" : "no")}");
        Console.Out.WriteLine($"authenticated: {session.User} with {session.UserKey.KeyType} {session.UserKey.Fingerprint}{(certificate ? " (certificate)" : "")}");
    }

    private static string Mac(string? mac) => mac is null ? " (AEAD)" : $" + {mac}";

    private static int Failed(SshDisconnectReason reason, string text, bool byPeer, KnownHostsVerifier? checker)
    {
        string who = byPeer ? "the server disconnected" : "disconnected";
        Console.Error.WriteLine($"alknet probe: {who}: {SshDisconnectedException.DescribeReason(reason)} ({(uint)reason}): {text}");
        if (checker?.LastResult is { } r && r != KnownHostsResult.Match)
        {
            Console.Error.WriteLine(r switch
            {
                KnownHostsResult.Unknown => "alknet probe: the host key is not in known_hosts (Host key verification failed)",
                KnownHostsResult.Mismatch => "alknet probe: WARNING: the host key does not match known_hosts: it changed, or someone is in the middle",
                KnownHostsResult.Revoked => "alknet probe: the host key is marked @revoked in known_hosts",
                _ => "",
            });
        }
        return 1;
    }
}
