using System.Text.RegularExpressions;
using Alknet.Interop.Tests.Peers;

namespace Alknet.Interop.Tests.Tunnel;

/// <summary>
/// <c>alknet connect</c> as a process: its SOCKS5 port on a free loopback port, the server pinned by a known_hosts
/// file (strict checking, as an operator runs it), extra arguments such as -L and -R. Readiness is its "session up"
/// log line, which it writes each time a session (re)starts.
/// </summary>
public sealed partial class AlknetConnect : IAsyncDisposable
{
    private const string SessionUp = "session up: ";

    private AlknetConnect(AlknetProcess process, int socksPort)
    {
        Process = process;
        SocksPort = socksPort;
    }

    public AlknetProcess Process { get; }

    /// <summary>Where its SOCKS5 proxy listens (127.0.0.1).</summary>
    public int SocksPort { get; }

    /// <summary>Sessions established so far, counted from the log.</summary>
    public int SessionsUp => Count(Process.StdErr, SessionUp);

    /// <summary>
    /// Starts <c>alknet connect --server 127.0.0.1:<paramref name="serverPort"/></c> and waits until the first session
    /// is up (and, when <paramref name="remoteForwards"/> is positive, that many -R forwards are registered).
    /// </summary>
    public static async Task<AlknetConnect> StartAsync(int serverPort, string identity, string knownHosts,
        IEnumerable<string>? extraArguments = null, string? user = null, int remoteForwards = 0)
    {
        var socksPort = FreePort.Next();
        List<string> arguments =
        [
            "connect", "--server", $"127.0.0.1:{serverPort}", "-i", identity, "--known-hosts", knownHosts,
            "--socks5", $"127.0.0.1:{socksPort}",
        ];
        if (user is not null) arguments.AddRange(["--user", user]);
        arguments.AddRange(extraArguments ?? []);
        var connect = new AlknetConnect(AlknetProcess.Start(arguments, port: socksPort), socksPort);
        try
        {
            await connect.WaitForSessionsUpAsync(1).ConfigureAwait(false);
            if (remoteForwards > 0) await connect.WaitForRemoteForwardPortsAsync(remoteForwards).ConfigureAwait(false);
        }
        catch
        {
            await connect.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        return connect;
    }

    /// <summary>
    /// Waits until "session up" was logged <paramref name="count"/> times in all. The bound is generous and only
    /// there so that a broken reconnect fails the test instead of hanging it; it is not a performance claim.
    /// </summary>
    public async Task WaitForSessionsUpAsync(int count, TimeSpan? timeout = null)
    {
        var ok = await Process.WaitForStdErrAsync(s => Count(s, SessionUp) >= count || Process.HasExited,
            timeout ?? TimeSpan.FromSeconds(60)).ConfigureAwait(false);
        if (!ok || SessionsUp < count)
        {
            Assert.Fail($"alknet connect logged \"session up\" {SessionsUp} time(s), expected {count} (exited: {Process.HasExited}).\n{Process.LogTail()}");
        }
    }

    /// <summary>Waits (bounded) for a log line containing <paramref name="text"/> <paramref name="count"/> times in all.</summary>
    public async Task WaitForLogAsync(string text, int count = 1, TimeSpan? timeout = null)
    {
        var ok = await Process.WaitForStdErrAsync(s => Count(s, text) >= count, timeout ?? TimeSpan.FromSeconds(30)).ConfigureAwait(false);
        if (!ok)
        {
            Assert.Fail($"alknet connect did not log \"{text}\" {count} time(s).\n{Process.LogTail()}");
        }
    }

    /// <summary>
    /// The server-side ports of the -R forwards, in the order connect logged them ("remote forward listening on the
    /// server, port N"), once <paramref name="count"/> are there.
    /// </summary>
    public async Task<IReadOnlyList<int>> WaitForRemoteForwardPortsAsync(int count = 1)
    {
        await WaitForLogAsync("remote forward listening on the server, port ", count).ConfigureAwait(false);
        return [.. RemoteForwardLine().Matches(Process.StdErr).Select(m => int.Parse(m.Groups[1].Value))];
    }

    private static int Count(string text, string part)
    {
        var n = 0;
        for (var i = text.IndexOf(part, StringComparison.Ordinal); i >= 0; i = text.IndexOf(part, i + part.Length, StringComparison.Ordinal))
        {
            n++;
        }

        return n;
    }

    [GeneratedRegex(@"remote forward listening on the server, port (\d+)")]
    private static partial Regex RemoteForwardLine();

    public ValueTask DisposeAsync() => Process.DisposeAsync();
}
