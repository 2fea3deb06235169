using System.Diagnostics;
using System.Text.RegularExpressions;
using Alknet.Interop.Tests.Peers;

namespace Alknet.Interop.Tests.Ssh;

/// <summary>
/// OpenSSH's ssh run with <c>-N</c> (no channel: transport and user authentication only) and a debug log, stopped
/// as soon as its log shows what the test waits for, or when it exits by itself.
/// </summary>
internal static class OpenSshClient
{
    /// <summary>
    /// The options every run uses: no user or system configuration, host keys pinned by a known_hosts file, only
    /// the given identity, no agent or multiplexing, and the debug log in <paramref name="logFile"/>.
    /// </summary>
    public static List<string> BaseArguments(string knownHosts, string logFile, int port, string identity, string? user = null) =>
    [
        "-F", "/dev/null",
        "-o", "BatchMode=yes", "-o", "StrictHostKeyChecking=yes", "-o", $"UserKnownHostsFile={knownHosts}",
        "-o", "IdentitiesOnly=yes", "-o", "IdentityAgent=none", "-o", "UpdateHostKeys=no", "-o", "ControlPath=none",
        // OpenSSH 10.1+ warns about non-post-quantum key exchange; older versions ignore the option.
        "-o", "IgnoreUnknown=WarnWeakCrypto", "-o", "WarnWeakCrypto=no",
        "-E", logFile, "-vvv", "-N",
        "-i", identity, "-p", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "-l", user ?? SshKeySet.User,
    ];

    /// <summary>
    /// Runs <c>ssh &lt;arguments&gt; 127.0.0.1</c> until <paramref name="done"/> holds for its log, it exits, or
    /// <paramref name="limit"/> passes (a bound on waiting, not an assertion: the caller asserts on the log).
    /// </summary>
    public static async Task<OpenSshRun> RunAsync(IEnumerable<string> arguments, string logFile, Func<OpenSshRun, bool> done, TimeSpan limit)
    {
        var ssh = PeerBinaries.Require("ssh", "openssh-client");
        await using var process = PeerProcess.Start("ssh", ssh, arguments.Append("127.0.0.1"));
        var started = Stopwatch.GetTimestamp();
        var run = new OpenSshRun(logFile);
        while (true)
        {
            run.Refresh();
            if (done(run))
            {
                break;
            }

            if (process.HasExited)
            {
                await process.WaitForExitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
                run.ExitCode = process.ExitCode;
                run.Refresh();
                break;
            }

            if (Stopwatch.GetElapsedTime(started) > limit)
            {
                run.TimedOut = true;
                break;
            }

            await Task.Delay(50).ConfigureAwait(false);
        }

        run.Output = process.Output;
        return run;
    }
}

/// <summary>What one <see cref="OpenSshClient"/> run logged, with the questions the tests ask of it.</summary>
internal sealed partial class OpenSshRun(string logFile)
{
    public string Log { get; private set; } = "";

    /// <summary>ssh's stdout and stderr (the log itself goes to the -E file).</summary>
    public string Output { get; set; } = "";

    /// <summary>The exit code when ssh ended by itself; null when the run was stopped.</summary>
    public int? ExitCode { get; set; }

    public bool TimedOut { get; set; }

    public bool Authenticated => Log.Contains("Authenticated to ", StringComparison.Ordinal);

    /// <summary>OpenSSH's kex_choose_conf line when both sides sent the strict KEX markers.</summary>
    public bool StrictKex => Log.Contains("will use strict KEX ordering", StringComparison.Ordinal);

    public bool PermissionDenied => Log.Contains("Permission denied", StringComparison.Ordinal);

    public int KexInitsSent => Count("SSH2_MSG_KEXINIT sent");

    public int NewKeysReceived => Count("SSH2_MSG_NEWKEYS received");

    /// <summary>
    /// True when, after the second NEWKEYS (the first rekey) arrived, ssh received a REQUEST_FAILURE (82): the
    /// server answered a keepalive global request under the new keys, in both directions.
    /// </summary>
    public bool AnsweredAfterRekey
    {
        get
        {
            var first = Log.IndexOf("SSH2_MSG_NEWKEYS received", StringComparison.Ordinal);
            var second = first < 0 ? -1 : Log.IndexOf("SSH2_MSG_NEWKEYS received", first + 1, StringComparison.Ordinal);
            return second >= 0 && Log.IndexOf("receive packet: type 82", second, StringComparison.Ordinal) >= 0;
        }
    }

    /// <summary>The first negotiated kex algorithm ("kex: algorithm: …").</summary>
    public string? Kex => First(KexLine());

    public string? HostKeyAlgorithm => First(HostKeyLine());

    public string? CipherClientToServer => First(ClientToServerLine(), 1);

    public string? MacClientToServer => First(ClientToServerLine(), 2);

    public string? CipherServerToClient => First(ServerToClientLine(), 1);

    public string? MacServerToClient => First(ServerToClientLine(), 2);

    /// <summary>The last lines of the log, for failure messages.</summary>
    public string Tail(int lines = 60)
    {
        var all = Log.Split('\n');
        return $"--- ssh log {logFile} (tail) ---\n" + string.Join('\n', all.Skip(Math.Max(0, all.Length - lines))) + "\n--- ssh output ---\n" + Output;
    }

    public void Refresh()
    {
        try
        {
            using var stream = new FileStream(logFile, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            using var reader = new StreamReader(stream);
            Log = reader.ReadToEnd();
        }
        catch (FileNotFoundException)
        {
            // ssh has not opened its log yet.
        }
    }

    private int Count(string text)
    {
        var n = 0;
        for (var i = Log.IndexOf(text, StringComparison.Ordinal); i >= 0; i = Log.IndexOf(text, i + text.Length, StringComparison.Ordinal))
        {
            n++;
        }

        return n;
    }

    private string? First(Regex regex, int group = 1)
    {
        var m = regex.Match(Log);
        return m.Success ? m.Groups[group].Value : null;
    }

    [GeneratedRegex(@"debug1: kex: algorithm: (\S+)")]
    private static partial Regex KexLine();

    [GeneratedRegex(@"debug1: kex: host key algorithm: (\S+)")]
    private static partial Regex HostKeyLine();

    [GeneratedRegex(@"debug1: kex: client->server cipher: (\S+) MAC: (\S+)")]
    private static partial Regex ClientToServerLine();

    [GeneratedRegex(@"debug1: kex: server->client cipher: (\S+) MAC: (\S+)")]
    private static partial Regex ServerToClientLine();
}
