namespace Alknet.Interop.Tests.Peers;

/// <summary>microsocks, a minimal SOCKS5 server, optionally with RFC 1929 username/password (-u/-P).</summary>
public sealed class Microsocks : IAsyncDisposable
{
    private readonly PeerDirectory _dir;
    private readonly PeerProcess _process;

    private Microsocks(PeerDirectory dir, PeerProcess process, int port, string? user, string? password)
    {
        _dir = dir;
        _process = process;
        Port = port;
        User = user;
        Password = password;
    }

    public int Port { get; }

    public string? User { get; }

    public string? Password { get; }

    public PeerProcess Process => _process;

    public string ProxyUrl => User is null
        ? $"socks5://127.0.0.1:{Port}"
        : $"socks5://{Uri.EscapeDataString(User)}:{Uri.EscapeDataString(Password!)}@127.0.0.1:{Port}";

    public static async Task<Microsocks> StartAsync(string? user = null, string? password = null)
    {
        var microsocks = PeerBinaries.Require("microsocks", "microsocks");
        var dir = new PeerDirectory("microsocks");
        var port = FreePort.Next();
        List<string> args = ["-i", "127.0.0.1", "-p", port.ToString()];
        if (user is not null)
        {
            args.AddRange(["-u", user, "-P", password ?? string.Empty]);
        }

        var process = PeerProcess.Start("microsocks", microsocks, args, dir.FilePath("microsocks.log"));
        var peer = new Microsocks(dir, process, port, user, password);
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
