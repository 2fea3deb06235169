using System.Diagnostics;
using Alknet.Interop.Tests.Peers;

namespace Alknet.Interop.Tests.Serve;

/// <summary>
/// <c>alknet serve</c> as a process on a free loopback port, with a directory holding a fresh client key (made by
/// OpenSSH's ssh-keygen) in authorized_keys and a host key path that does not exist yet, so serve generates it.
/// Readiness is the "listening on" log line, not a probe connection: a probe would count against
/// --max-connections-per-ip and make the limit tests depend on how fast the server noticed it close.
/// It can be killed and restarted on the same port with the same keys, for the tests of a client that reconnects.
/// </summary>
public sealed class AlknetServe : IAsyncDisposable
{
    private readonly PeerDirectory _dir;
    private readonly string[] _arguments;
    private readonly IReadOnlyDictionary<string, string?>? _environment;
    private readonly System.Text.StringBuilder _earlierOutput = new();

    private AlknetServe(PeerDirectory dir, string[] arguments, IReadOnlyDictionary<string, string?>? environment, int port)
    {
        _dir = dir;
        _arguments = arguments;
        _environment = environment;
        Process = AlknetProcess.Start(arguments, environment, port);
        Port = port;
    }

    /// <summary>The running process (a new one after <see cref="RestartAsync"/>).</summary>
    public AlknetProcess Process { get; private set; }

    public int Port { get; }

    /// <summary>Everything every process of this server wrote, the ones before a restart included.</summary>
    public string AllOutput => _earlierOutput + Process.Output;

    /// <summary>The host key serve was told to use (and generates on first start).</summary>
    public string HostKeyPath => _dir.FilePath("ssh_host_ed25519_key");

    /// <summary>Private key of the one authorized client (no passphrase).</summary>
    public string ClientKeyPath => _dir.FilePath("client_ed25519");

    /// <summary>
    /// Starts serve on <paramref name="listenHost"/> (an IP literal, IPv6 in brackets) and <paramref name="port"/>
    /// (default: a free one), without waiting for it to listen. <paramref name="clientKeyOptions"/> go in front of
    /// the client key's authorized_keys line (e.g. <c>permitopen="127.0.0.1:80"</c>); <paramref name="extraAuthorizedKeys"/>
    /// are further whole lines.
    /// </summary>
    public static async Task<AlknetServe> StartAsync(
        IEnumerable<string> extraArguments,
        IReadOnlyDictionary<string, string?>? environment = null,
        string listenHost = "127.0.0.1",
        int? port = null,
        string? clientKeyOptions = null,
        IEnumerable<string>? extraAuthorizedKeys = null)
    {
        var keygen = PeerBinaries.Require("ssh-keygen", "openssh-client");
        var dir = new PeerDirectory("serve");
        try
        {
            await RunAsync(keygen, ["-q", "-t", "ed25519", "-N", "", "-C", "interop-client", "-f", dir.FilePath("client_ed25519")]).ConfigureAwait(false);
            var clientLine = File.ReadAllText(dir.FilePath("client_ed25519.pub")).TrimEnd('\n');
            var lines = new List<string> { string.IsNullOrEmpty(clientKeyOptions) ? clientLine : $"{clientKeyOptions} {clientLine}" };
            lines.AddRange(extraAuthorizedKeys ?? []);
            File.WriteAllLines(dir.FilePath("authorized_keys"), lines);
            var listenPort = port ?? FreePort.Next();
            string[] arguments =
            [
                "serve", "--listen", $"{listenHost}:{listenPort}",
                "--host-key", dir.FilePath("ssh_host_ed25519_key"),
                "--authorized-keys", dir.FilePath("authorized_keys"),
                .. extraArguments,
            ];
            return new AlknetServe(dir, arguments, environment, listenPort);
        }
        catch
        {
            dir.Dispose();
            throw;
        }
    }

    /// <summary>Waits until serve logged that it listens; fails the test with its output if it exits first.</summary>
    public async Task WaitUntilListeningAsync()
    {
        var listening = await Process.WaitForStdErrAsync(s => s.Contains("listening on", StringComparison.Ordinal) || Process.HasExited,
            TimeSpan.FromSeconds(30)).ConfigureAwait(false);
        if (!listening || !Process.StdErr.Contains("listening on", StringComparison.Ordinal))
        {
            Assert.Fail($"alknet serve did not start listening (exited: {Process.HasExited}).\n{Process.LogTail()}");
        }
    }

    /// <summary>
    /// A known_hosts file naming this server's host key for [127.0.0.1]:port, for alknet connect and OpenSSH's ssh.
    /// Call after <see cref="WaitUntilListeningAsync"/>: serve writes the key (and KEY.pub) on its first start.
    /// </summary>
    public string WriteKnownHosts()
    {
        var pub = File.ReadAllText(HostKeyPath + ".pub").Split(' ');
        return _dir.WriteText("known_hosts", $"[127.0.0.1]:{Port} {pub[0]} {pub[1].TrimEnd('\n')}\n");
    }

    /// <summary>SIGKILL: the server vanishes without a DISCONNECT, as in a crash or a power cut.</summary>
    public async Task KillAsync()
    {
        Process.Process.Signal("KILL");
        await Process.WaitForExitAsync().ConfigureAwait(false);
    }

    /// <summary>
    /// Starts serve again with the same arguments: same port, same host key, same authorized_keys. The previous
    /// process (killed or not) is disposed; its output stays in <see cref="AllOutput"/>.
    /// </summary>
    public async Task RestartAsync()
    {
        await Process.DisposeAsync().ConfigureAwait(false);
        _earlierOutput.Append(Process.Output);
        Process = AlknetProcess.Start(_arguments, _environment, Port);
        await WaitUntilListeningAsync().ConfigureAwait(false);
    }

    /// <summary>Waits (bounded) for a stderr line containing every one of <paramref name="parts"/>; returns whether one came.</summary>
    public Task<bool> WaitForLogLineAsync(params string[] parts) =>
        Process.WaitForStdErrAsync(s => s.Split('\n').Any(line => parts.All(p => line.Contains(p, StringComparison.Ordinal))),
            TimeSpan.FromSeconds(20));

    private static async Task RunAsync(string file, string[] arguments)
    {
        var info = new ProcessStartInfo(file) { UseShellExecute = false, RedirectStandardError = true };
        foreach (var a in arguments)
        {
            info.ArgumentList.Add(a);
        }

        using var p = System.Diagnostics.Process.Start(info)!;
        var stderr = await p.StandardError.ReadToEndAsync().ConfigureAwait(false);
        await p.WaitForExitAsync().ConfigureAwait(false);
        if (p.ExitCode != 0)
        {
            Assert.Fail($"{file} {string.Join(' ', arguments)} failed ({p.ExitCode}): {stderr}");
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Process.DisposeAsync().ConfigureAwait(false);
        _dir.Dispose();
    }
}
