namespace Alknet.Interop.Tests.Peers;

/// <summary>
/// OpenSSH sshd on a free loopback port with fresh host keys and one authorized client key (ed25519), for the
/// SSH tunnel tests (alknet connect → sshd) and for the OpenSSH baseline in benchmarks. Runs in the foreground
/// (-D) with logs on stderr (-e) at DEBUG3 so a failed test shows the negotiation.
/// </summary>
public sealed class Sshd : IAsyncDisposable
{
    /// <summary>One host key per host key algorithm family: every ECDSA curve, so each can be forced.</summary>
    private static readonly (string File, string Type, int? Bits)[] HostKeys =
    [
        ("hk_ed25519", "ed25519", null),
        ("hk_ecdsa", "ecdsa", 256),
        ("hk_ecdsa384", "ecdsa", 384),
        ("hk_ecdsa521", "ecdsa", 521),
        ("hk_rsa", "rsa", null),
    ];

    private readonly PeerDirectory _dir;
    private readonly PeerProcess _process;

    private Sshd(PeerDirectory dir, PeerProcess process, int port)
    {
        _dir = dir;
        _process = process;
        Port = port;
    }

    public int Port { get; }

    public PeerProcess Process => _process;

    /// <summary>Directory holding keys, config and logs.</summary>
    public string Directory => _dir.Path;

    /// <summary>Private key of the authorized client (no passphrase).</summary>
    public string ClientKeyPath => _dir.FilePath("client_ed25519");

    /// <summary>known_hosts file listing the server's host keys for [127.0.0.1]:port.</summary>
    public string KnownHostsPath => _dir.FilePath("known_hosts");

    public string AuthorizedKeysPath => _dir.FilePath("authorized_keys");

    /// <summary>The account the client logs in as (the current user).</summary>
    public static string UserName => Environment.UserName;

    /// <summary>Starts sshd; <paramref name="extraOptions"/> are added as "-o Key=Value" overrides.</summary>
    public static async Task<Sshd> StartAsync(params string[] extraOptions)
    {
        var sshd = PeerBinaries.Require("/usr/sbin/sshd", "openssh-server");
        if (PeerBinaries.IsRoot)
        {
            // Privilege separation directory; the Debian package creates it only at service start.
            System.IO.Directory.CreateDirectory("/run/sshd");
        }

        var dir = new PeerDirectory("sshd");
        try
        {
            foreach (var (file, type, bits) in HostKeys)
            {
                await SshKeygen.GenerateAsync(dir.FilePath(file), type, bits).ConfigureAwait(false);
            }

            await SshKeygen.GenerateAsync(dir.FilePath("client_ed25519"), "ed25519").ConfigureAwait(false);
            File.Copy(dir.FilePath("client_ed25519.pub"), dir.FilePath("authorized_keys"));

            var port = FreePort.Next();
            var knownHosts = string.Concat(HostKeys.Select(k =>
                $"[127.0.0.1]:{port} {SshKeygen.PublicKeyLine(dir.FilePath(k.File + ".pub"))}\n"));
            File.WriteAllText(dir.FilePath("known_hosts"), knownHosts);

            var hostKeyLines = string.Join("\n", HostKeys.Select(k => "HostKey " + dir.FilePath(k.File)));
            var config = dir.WriteText("sshd_config", $"""
                Port {port}
                ListenAddress 127.0.0.1
                {hostKeyLines}
                PidFile none
                AuthorizedKeysFile {dir.FilePath("authorized_keys")}
                StrictModes no
                PasswordAuthentication no
                KbdInteractiveAuthentication no
                PubkeyAuthentication yes
                PermitRootLogin prohibit-password
                UsePAM {(PeerBinaries.IsRoot ? "no" : "yes")}
                AllowTcpForwarding yes
                MaxStartups 100:30:200
                LogLevel DEBUG3
                """);
            List<string> args = ["-f", config, "-D", "-e"];
            foreach (var option in extraOptions)
            {
                args.AddRange(["-o", option]);
            }

            var process = PeerProcess.Start("sshd", sshd, args, dir.FilePath("sshd.log"));
            var peer = new Sshd(dir, process, port);
            try
            {
                await process.WaitForPortAsync(port).ConfigureAwait(false);
            }
            catch
            {
                await peer.DisposeAsync().ConfigureAwait(false);
                throw;
            }

            return peer;
        }
        catch
        {
            dir.Dispose();
            throw;
        }
    }

    /// <summary>Arguments for OpenSSH's ssh that pin this server's host keys and use only the test key.</summary>
    public IReadOnlyList<string> SshClientArguments(string logFile) =>
    [
        "-F", "/dev/null", "-o", "BatchMode=yes", "-o", "StrictHostKeyChecking=yes", "-o", $"UserKnownHostsFile={KnownHostsPath}",
        "-o", "IdentitiesOnly=yes", "-o", "IdentityAgent=none", "-o", "UpdateHostKeys=no", "-o", "ControlPath=none",
        "-i", ClientKeyPath, "-p", Port.ToString(), "-E", logFile, "-l", UserName,
    ];

    public async ValueTask DisposeAsync()
    {
        await _process.DisposeAsync().ConfigureAwait(false);
        _dir.Dispose();
    }
}
