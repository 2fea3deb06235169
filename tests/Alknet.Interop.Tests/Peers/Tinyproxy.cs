namespace Alknet.Interop.Tests.Peers;

/// <summary>
/// tinyproxy as an HTTP CONNECT upstream. With <c>allowedConnectPorts</c> only those ports may be CONNECTed to;
/// any other gets "403 Access violation", which alknet must turn into SOCKS5 reply 0x02.
/// </summary>
public sealed class Tinyproxy : IAsyncDisposable
{
    private readonly PeerDirectory _dir;
    private readonly PeerProcess _process;

    private Tinyproxy(PeerDirectory dir, PeerProcess process, int port)
    {
        _dir = dir;
        _process = process;
        Port = port;
    }

    public int Port { get; }

    public PeerProcess Process => _process;

    public string ProxyUrl => $"http://127.0.0.1:{Port}";

    public static async Task<Tinyproxy> StartAsync(IReadOnlyList<int>? allowedConnectPorts = null)
    {
        var tinyproxy = PeerBinaries.Require("tinyproxy", "tinyproxy");
        var dir = new PeerDirectory("tinyproxy");
        var port = FreePort.Next();
        // No ConnectPort line at all allows CONNECT to every port.
        var connectPorts = allowedConnectPorts is null
            ? string.Empty
            : string.Concat(allowedConnectPorts.Select(p => $"ConnectPort {p}\n"));
        var config = dir.WriteText("tinyproxy.conf", $"""
            Port {port}
            Listen 127.0.0.1
            Allow 127.0.0.1
            Timeout 60
            MaxClients 200
            LogLevel Info
            {connectPorts}
            """);
        // -d: stay in the foreground and log to stderr, so the process is ours to kill and its log is captured.
        var process = PeerProcess.Start("tinyproxy", tinyproxy, ["-d", "-c", config], dir.FilePath("tinyproxy.log"));
        var peer = new Tinyproxy(dir, process, port);
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
