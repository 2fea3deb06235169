using Alknet.Ssh.Messages;
using NUnit.Framework;

namespace Alknet.Ssh.Tests.Connection;

[TestFixture]
public class ChannelDataEncodingTests
{
    [Test]
    public void TcpIpChannelData_RoundTrip_SameFields()
    {
        var d = new TcpIpChannelData("example.org", 443, "10.0.0.1", 5555);
        Assert.That(TcpIpChannelData.Read(d.ToBytes()), Is.EqualTo(d));
    }

    [Test]
    public void TcpIpChannelData_EveryTruncation_ProtocolError()
    {
        var bytes = new TcpIpChannelData("h", 1, "o", 2).ToBytes();
        for (int n = 0; n < bytes.Length; n++)
        {
            var ex = Assert.Throws<SshProtocolException>(() => TcpIpChannelData.Read(bytes.AsSpan(0, n)), "length " + n);
            Assert.That(ex!.Reason, Is.EqualTo(SshDisconnectReason.ProtocolError));
        }
        Assert.Throws<SshProtocolException>(() => TcpIpChannelData.Read([.. bytes, 0]));
    }

    [Test]
    public void TcpIpChannelData_ToString_NeverShowsTheDestination() =>
        Assert.That(new TcpIpChannelData("secret.example", 8443, "1.2.3.4", 1).ToString(), Does.Not.Contain("secret").And.Not.Contain("8443"));

    [Test]
    public void TcpIpForwardRequestData_RoundTripAndTrailingByte()
    {
        var d = new TcpIpForwardRequestData("localhost", 0);
        var bytes = d.ToBytes();
        Assert.That(TcpIpForwardRequestData.Read(bytes), Is.EqualTo(d));
        Assert.Throws<SshProtocolException>(() => TcpIpForwardRequestData.Read([.. bytes, 1]));
        Assert.Throws<SshProtocolException>(() => TcpIpForwardRequestData.Read(bytes.AsSpan(0, bytes.Length - 1)));
    }
}
