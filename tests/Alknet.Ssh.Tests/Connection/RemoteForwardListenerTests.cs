using System.Net;
using System.Net.Sockets;
using Alknet.Engine.Transport;
using Alknet.Ssh.Connection;
using NUnit.Framework;

namespace Alknet.Ssh.Tests.Connection;

/// <summary>
/// A remote forward's listener covers every address it was given on one port. For port 0 a later address that finds
/// the chosen number taken makes the whole set start over, so the number handed to the client works everywhere.
/// </summary>
[TestFixture]
public class RemoteForwardListenerTests
{
    // Two loopback addresses of one family (Linux routes all of 127/8 to lo), so the test needs no IPv6.
    private static readonly IPAddress[] TwoAddresses = [IPAddress.Loopback, IPAddress.Parse("127.0.0.2")];

    /// <summary>Binds for real, but the second address of the first <paramref name="clashes"/> sets reports "in use".</summary>
    private sealed class ClashingBinder(int clashes)
    {
        private int _calls;
        public List<int> FirstPorts { get; } = [];

        public SocketListener Bind(IPEndPoint endpoint)
        {
            int call = _calls++;
            if (call % 2 == 1 && call / 2 < clashes) throw new SocketException((int)SocketError.AddressAlreadyInUse);
            var listener = SocketListener.Bind(endpoint);
            if (call % 2 == 0) FirstPorts.Add(listener.LocalEndPoint.Port);
            return listener;
        }
    }

    [Test]
    public async Task PortZero_SecondAddressNumberTaken_StartsOverOnANewNumber()
    {
        var binder = new ClashingBinder(clashes: 2);

        await using var listener = RemoteForwardListener.Bind(TwoAddresses, 0, binder.Bind);

        Assert.That(binder.FirstPorts, Has.Count.EqualTo(3), "two clashes, then a set that bound");
        Assert.That(listener.Port, Is.EqualTo(binder.FirstPorts[^1]));
        Assert.That(listener.AddressCount, Is.EqualTo(2), "the listener covers both addresses");
        using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        Assert.DoesNotThrowAsync(async () => await probe.ConnectAsync(IPAddress.Loopback, listener.Port));
    }

    [Test]
    public async Task PortZero_ClashOnEveryAttempt_KeepsTheAddressesThatBound()
    {
        var binder = new ClashingBinder(clashes: int.MaxValue);

        await using var listener = RemoteForwardListener.Bind(TwoAddresses, 0, binder.Bind);

        Assert.That(binder.FirstPorts, Has.Count.EqualTo(RemoteForwardListener.PortZeroAttempts));
        Assert.That(listener.AddressCount, Is.EqualTo(1), "sshd's answer: the first address alone");
    }

    [Test]
    public async Task FixedPort_SecondAddressTaken_NoRetryAndTheFirstAddressListens()
    {
        using var holder = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        holder.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        ushort port = (ushort)((IPEndPoint)holder.LocalEndPoint!).Port;
        holder.Close();
        var binder = new ClashingBinder(clashes: 1);

        await using var listener = RemoteForwardListener.Bind(TwoAddresses, port, binder.Bind);

        Assert.That(listener.Port, Is.EqualTo(port));
        Assert.That(binder.FirstPorts, Has.Count.EqualTo(1), "a fixed port is never re-chosen");
        Assert.That(listener.AddressCount, Is.EqualTo(1));
    }

    [Test]
    public void FirstAddressTaken_Throws()
    {
        using var holder = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        holder.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        holder.Listen();
        ushort port = (ushort)((IPEndPoint)holder.LocalEndPoint!).Port;

        var e = Assert.Throws<SocketException>(() => RemoteForwardListener.Bind(TwoAddresses, port));
        Assert.That(e!.SocketErrorCode, Is.EqualTo(SocketError.AddressAlreadyInUse));
    }
}
