using System.Net;
using System.Net.Sockets;

namespace Alknet.Interop.Tests.Peers;

/// <summary>
/// The causes the SOCKS5 reply-code tests rely on, checked directly on this machine without any proxy. When a
/// reply-code test fails and these pass, the fault is in the proxy's mapping, not in the machine.
/// </summary>
[TestFixture]
public sealed class ReplyCodePremisesTests
{
    private static async Task<SocketError> ConnectErrorAsync(IPAddress address, int port)
    {
        using var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        try
        {
            await socket.ConnectAsync(new IPEndPoint(address, port), cts.Token);
            return SocketError.Success;
        }
        catch (SocketException e)
        {
            return e.SocketErrorCode;
        }
    }

    [Test]
    public async Task Connect_ClosedLoopbackPort_IsRefused()
    {
        Assert.That(await ConnectErrorAsync(IPAddress.Loopback, FreePort.Next()), Is.EqualTo(SocketError.ConnectionRefused));
    }

    [Test]
    public async Task Connect_MulticastAddress_IsNetworkUnreachable()
    {
        Assert.That(await ConnectErrorAsync(IPAddress.Parse("224.0.0.251"), FreePort.Next()), Is.EqualTo(SocketError.NetworkUnreachable));
    }

    [Test]
    public void Resolve_InvalidTld_Fails()
    {
        Assert.ThrowsAsync(Is.InstanceOf<SocketException>(), async () => await Dns.GetHostAddressesAsync("alknet-premise.invalid"));
    }

    [Test]
    public async Task Connect_BlackholeTarget_NeitherConnectsNorFails()
    {
        using var blackhole = await BlackholeTarget.StartAsync();
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(1.5));

        Assert.That(
            async () => await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, blackhole.Port), cts.Token),
            Throws.InstanceOf<OperationCanceledException>());
    }
}
