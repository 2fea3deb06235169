using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using Alknet.Engine.Transport;

namespace Alknet.Engine.Tests.Dialing;

/// <summary>
/// A one-connection upstream proxy on loopback whose behavior the test scripts over the accepted connection.
/// </summary>
internal sealed class FakeUpstream : IAsyncDisposable
{
    private readonly Socket _listener = LoopbackSockets.Listen(IPAddress.Loopback);
    private readonly Task _serve;

    public FakeUpstream(Func<IDuplexPipe, Task> script, CancellationToken cancellationToken)
    {
        _serve = ServeAsync(script, cancellationToken);
    }

    public ushort Port => (ushort)LoopbackSockets.PortOf(_listener);

    /// <summary>Completes when the script has run; rethrows its assertion failures.</summary>
    public Task Served => _serve;

    public async ValueTask DisposeAsync()
    {
        _listener.Dispose();
        try
        {
            await _serve;
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException or ObjectDisposedException or IOException)
        {
        }
    }

    private async Task ServeAsync(Func<IDuplexPipe, Task> script, CancellationToken cancellationToken)
    {
        var socket = await _listener.AcceptAsync(cancellationToken);
        var connection = new SocketConnection(socket);
        connection.Start();
        await using (connection)
        {
            await script(connection);
        }
    }
}
