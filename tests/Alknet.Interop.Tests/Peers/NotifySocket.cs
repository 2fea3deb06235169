using System.Net.Sockets;
using System.Text;

namespace Alknet.Interop.Tests.Peers;

/// <summary>
/// The service manager's end of sd_notify(3): a unix datagram socket the test binds and names in NOTIFY_SOCKET,
/// so that a child process's READY=1, STATUS= and STOPPING=1 messages can be read the way systemd reads them.
/// </summary>
public sealed class NotifySocket : IDisposable
{
    private readonly Socket _socket;
    private readonly string _directory;

    public NotifySocket()
    {
        // sun_path holds 108 bytes: a short directory under /tmp keeps the path well inside it.
        _directory = Directory.CreateTempSubdirectory("alknet-notify-").FullName;
        Path = System.IO.Path.Combine(_directory, "notify");
        _socket = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        _socket.Bind(new UnixDomainSocketEndPoint(Path));
    }

    /// <summary>The value for NOTIFY_SOCKET.</summary>
    public string Path { get; }

    /// <summary>Bytes of notifications received and not read yet.</summary>
    public int Pending => _socket.Available;

    /// <summary>The next datagram as text; fails the test if none arrives within <paramref name="timeout"/>.</summary>
    public async Task<string> ReceiveAsync(string waitingFor, Func<string> context, TimeSpan? timeout = null)
    {
        var buffer = new byte[4096];
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(30));
        try
        {
            var n = await _socket.ReceiveAsync(buffer, SocketFlags.None, cts.Token).ConfigureAwait(false);
            return Encoding.UTF8.GetString(buffer, 0, n);
        }
        catch (OperationCanceledException)
        {
            Assert.Fail($"no notification arrived on NOTIFY_SOCKET while waiting for {waitingFor}.\n{context()}");
            throw;
        }
    }

    public void Dispose()
    {
        _socket.Dispose();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
