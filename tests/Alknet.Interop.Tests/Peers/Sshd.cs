using System.Diagnostics;

namespace Alknet.Interop.Tests.Peers;

/// <summary>
/// OpenSSH sshd on a free loopback port with fresh host keys and one authorized client key (ed25519), for the
/// SSH tunnel tests (alknet connect → sshd) and for the OpenSSH baseline in benchmarks. Runs in the foreground
/// (-D) with logs on stderr (-e) at DEBUG3 so a failed test shows the negotiation.
/// </summary>
public sealed class Sshd : IAsyncDisposable
{
    private static readonly string[] HostKeyTypes = ["ed25519", "ecdsa", "rsa"];

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
        var keygen = PeerBinaries.Require("ssh-keygen", "openssh-client");
        if (PeerBinaries.IsRoot)
        {
            // Privilege separation directory; the Debian package creates it only at service start.
            System.IO.Directory.CreateDirectory("/run/sshd");
        }

        var dir = new PeerDirectory("sshd");
        try
        {
            foreach (var type in HostKeyTypes)
            {
                await RunAsync(keygen, ["-q", "-t", type, "-N", "", "-f", dir.FilePath($"hk_{type}")]).ConfigureAwait(false);
            }

            await RunAsync(keygen, ["-q", "-t", "ed25519", "-N", "", "-f", dir.FilePath("client_ed25519")]).ConfigureAwait(false);
            File.Copy(dir.FilePath("client_ed25519.pub"), dir.FilePath("authorized_keys"));

            var port = FreePort.Next();
            var knownHosts = string.Concat(HostKeyTypes.Select(t =>
            {
                var parts = File.ReadAllText(dir.FilePath($"hk_{t}.pub")).Split(' ');
                return $"[127.0.0.1]:{port} {parts[0]} {parts[1]}\n";
            }));
            File.WriteAllText(dir.FilePath("known_hosts"), knownHosts);

            var config = dir.WriteText("sshd_config", $"""
                Port {port}
                ListenAddress 127.0.0.1
                HostKey {dir.FilePath("hk_ed25519")}
                HostKey {dir.FilePath("hk_ecdsa")}
                HostKey {dir.FilePath("hk_rsa")}
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

    private static async Task RunAsync(string file, string[] args)
    {
        var info = new ProcessStartInfo(file) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }

        using var process = System.Diagnostics.Process.Start(info)!;
        var err = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().ConfigureAwait(false);
        Assert.That(process.ExitCode, Is.Zero, $"{file} {string.Join(' ', args)} failed: {await err.ConfigureAwait(false)}");
    }

    public async ValueTask DisposeAsync()
    {
        await _process.DisposeAsync().ConfigureAwait(false);
        _dir.Dispose();
    }
}
