namespace Alknet.Interop.Tests.Peers;

/// <summary>How clients must authenticate to a <see cref="Dante"/> instance.</summary>
public enum DanteAuth
{
    /// <summary>socksmethod none.</summary>
    None,

    /// <summary>socksmethod username (RFC 1929) against the <see cref="SystemUser"/> account.</summary>
    Username,
}

/// <summary>
/// dante-server (danted) as a reference SOCKS5 server and as an upstream for alknet's SOCKS5 dialer.
/// <c>blockedPort</c> adds a "socks block" rule for 127.0.0.1:port, which dante answers with reply 0x02
/// (connection not allowed by ruleset).
/// </summary>
public sealed class Dante : IAsyncDisposable
{
    private readonly PeerDirectory _dir;
    private readonly PeerProcess _process;

    private Dante(PeerDirectory dir, PeerProcess process, int port, DanteAuth auth)
    {
        _dir = dir;
        _process = process;
        Port = port;
        Auth = auth;
    }

    public int Port { get; }

    public DanteAuth Auth { get; }

    public string? User => Auth == DanteAuth.Username ? SystemUser.Name : null;

    public string? Password => Auth == DanteAuth.Username ? SystemUser.Password : null;

    public PeerProcess Process => _process;

    /// <summary>socks5://[user:pass@]127.0.0.1:port, the form alknet's --proxy takes.</summary>
    public string ProxyUrl => Auth == DanteAuth.Username
        ? $"socks5://{Uri.EscapeDataString(SystemUser.Name)}:{Uri.EscapeDataString(SystemUser.Password)}@127.0.0.1:{Port}"
        : $"socks5://127.0.0.1:{Port}";

    public static async Task<Dante> StartAsync(DanteAuth auth = DanteAuth.None, int? blockedPort = null)
    {
        var danted = PeerBinaries.Require("danted", "dante-server");
        if (auth == DanteAuth.Username)
        {
            await SystemUser.EnsureAsync().ConfigureAwait(false);
        }

        var dir = new PeerDirectory("dante");
        var port = FreePort.Next();
        var log = dir.FilePath("danted.log");
        var block = blockedPort is int p
            ? $"socks block {{ from: 0.0.0.0/0 to: 127.0.0.1/32 port = {p} log: error connect }}\n"
            : string.Empty;
        var config = dir.WriteText("danted.conf", $$"""
            logoutput: {{log}}
            internal: 127.0.0.1 port = {{port}}
            external: 127.0.0.1
            socksmethod: {{(auth == DanteAuth.Username ? "username" : "none")}}
            clientmethod: none
            user.privileged: root
            user.unprivileged: nobody
            client pass { from: 127.0.0.0/8 to: 0.0.0.0/0 log: error }
            {{block}}socks pass { from: 127.0.0.0/8 to: 0.0.0.0/0 log: error }
            """);
        var process = PeerProcess.Start("danted", danted, ["-f", config, "-p", dir.FilePath("danted.pid")], dir.FilePath("danted.out"), extraLogs: log);
        var peer = new Dante(dir, process, port, auth);
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

    public async ValueTask DisposeAsync()
    {
        await _process.DisposeAsync().ConfigureAwait(false);
        _dir.Dispose();
    }
}
