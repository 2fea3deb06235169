using System.Diagnostics;
using System.Text.RegularExpressions;
using Alknet.Interop.Tests.Peers;

namespace Alknet.Interop.Tests.Tunnel;

/// <summary>
/// OpenSSH's ssh as a tunnel client (<c>ssh -N</c> with -D, -L or -R) against a server on a loopback port: nothing
/// from the user's ~/.ssh or agent, strict host key checking against the given known_hosts, one identity, a debug
/// log in a file (-E -vvv) that tests read for "Allocated port" and the key that was accepted.
/// </summary>
public sealed partial class OpenSshClient : IAsyncDisposable
{
    private readonly PeerProcess _process;
    private readonly string _directory;

    private OpenSshClient(PeerProcess process, string directory, string logPath)
    {
        _process = process;
        _directory = directory;
        LogPath = logPath;
    }

    public string LogPath { get; }

    public PeerProcess Process => _process;

    /// <summary>The debug log so far.</summary>
    public string Log
    {
        get
        {
            try
            {
                using var stream = new FileStream(LogPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
                return new StreamReader(stream).ReadToEnd();
            }
            catch (FileNotFoundException)
            {
                return "";
            }
        }
    }

    /// <summary>
    /// Starts <c>ssh -N</c> to 127.0.0.1:<paramref name="port"/> as <paramref name="user"/>. Extra
    /// <paramref name="arguments"/> carry the forwards (<c>-D 127.0.0.1:1080</c>, <c>-L …</c>, <c>-R …</c>) or
    /// further identities. <paramref name="certificate"/> is sent with the key when given.
    /// </summary>
    public static OpenSshClient Start(int port, string identity, string knownHosts, string user, IEnumerable<string> arguments, string? certificate = null)
    {
        var ssh = PeerBinaries.Require("ssh", "openssh-client");
        var directory = Directory.CreateTempSubdirectory("alknet-ssh-").FullName;
        var log = Path.Combine(directory, "ssh.log");
        var args = Ssh.OpenSshClient.BaseArguments(knownHosts, log, port, identity, user);
        args.AddRange(["-o", "GlobalKnownHostsFile=/dev/null", "-o", "ExitOnForwardFailure=yes"]);
        if (certificate is not null) args.AddRange(["-o", $"CertificateFile={certificate}"]);
        args.AddRange(arguments);
        args.Add("127.0.0.1");
        return new OpenSshClient(PeerProcess.Start("ssh", ssh, args), directory, log);
    }

    /// <summary>Waits (bounded) until the log has a line containing <paramref name="text"/>; fails with the log tail otherwise.</summary>
    public async Task WaitForLogAsync(string text, TimeSpan? timeout = null)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)((timeout ?? TimeSpan.FromSeconds(30)).TotalSeconds * Stopwatch.Frequency);
        while (!Log.Contains(text, StringComparison.Ordinal))
        {
            if (_process.HasExited || Stopwatch.GetTimestamp() > deadline)
            {
                Assert.Fail($"ssh did not log \"{text}\" (exited: {_process.HasExited}).\n{Tail()}");
            }

            await Task.Delay(50).ConfigureAwait(false);
        }
    }

    /// <summary>Waits until ssh is authenticated and a local listener (-D or -L) on <paramref name="listenPort"/> accepts.</summary>
    public async Task WaitForListenerAsync(int listenPort)
    {
        await WaitForLogAsync("Authenticated to ").ConfigureAwait(false);
        await _process.WaitForPortAsync(listenPort).ConfigureAwait(false);
    }

    /// <summary>-R with port 0: ssh logs the port the server chose ("Allocated port N for remote forward to …").</summary>
    public async Task<int> WaitForAllocatedPortAsync()
    {
        await WaitForLogAsync("Allocated port ").ConfigureAwait(false);
        return int.Parse(AllocatedPort().Match(Log).Groups[1].Value);
    }

    /// <summary>The last lines of the debug log, for failure messages.</summary>
    public string Tail(int lines = 60)
    {
        var all = Log.Split('\n');
        return "--- ssh log (tail) ---\n" + string.Join('\n', all.Skip(Math.Max(0, all.Length - lines)));
    }

    /// <summary>Waits for ssh to exit (it must, within the bound) and returns its exit code.</summary>
    public Task<int> WaitForExitAsync() => _process.WaitForExitAsync(TimeSpan.FromSeconds(30));

    [GeneratedRegex(@"Allocated port (\d+) for remote forward")]
    private static partial Regex AllocatedPort();

    public async ValueTask DisposeAsync()
    {
        await _process.DisposeAsync().ConfigureAwait(false);
        if (TestContext.CurrentContext.Result.Outcome.Status == NUnit.Framework.Interfaces.TestStatus.Failed)
        {
            await TestContext.Progress.WriteLineAsync(Tail()).ConfigureAwait(false);
        }

        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
