using NUnit.Framework;
using System.Net;
using System.Net.Sockets;
using Alknet.Engine.Transport;

namespace Alknet.Engine.Tests.Transport;

[TestFixture]
[CancelAfter(30_000)]
public class SocketListenerTests
{
    [Test]
    public async Task AcceptAsync_PendingWhenStopped_ReturnsNull()
    {
        await using var listener = SocketListener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var accept = listener.AcceptAsync().AsTask();

        listener.Stop();

        Assert.That(await accept, Is.Null);
        Assert.That(await listener.AcceptAsync(), Is.Null);
    }

    [Test]
    public async Task Bind_IPv6Any_AcceptsIPv4Client()
    {
        SocketListener listener;
        try
        {
            listener = SocketListener.Bind(new IPEndPoint(IPAddress.IPv6Any, 0));
        }
        catch (SocketException ex) when (ex.SocketErrorCode == SocketError.AddressFamilyNotSupported)
        {
            Assert.Fail("IPv6 is disabled on this machine; enable it (sysctl net.ipv6.conf.all.disable_ipv6=0) to run this test.");
            return;
        }

        await using (listener)
        {
            var accept = listener.AcceptAsync().AsTask();
            await using var client = await SocketConnector.ConnectAsync(new IPEndPoint(IPAddress.Loopback, listener.LocalEndPoint.Port), CancellationToken.None);
            await using var server = await accept;

            await client.Output.WriteAsync(new byte[] { 42 });
            var received = await Loopback.ReadExactlyAsync(server!.Input, 1);

            Assert.That(received, Is.EqualTo(new byte[] { 42 }));
            Assert.That(server.RemoteEndPoint, Is.Not.Null);
        }
    }

    [Test]
    public async Task ConnectAsync_NobodyListening_ThrowsSocketException()
    {
        using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        probe.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var closedPort = (IPEndPoint)probe.LocalEndPoint!; // bound, never listening: connections are refused

        Assert.That(async () => await SocketConnector.ConnectAsync(closedPort, CancellationToken.None), Throws.InstanceOf<SocketException>());
    }
}
