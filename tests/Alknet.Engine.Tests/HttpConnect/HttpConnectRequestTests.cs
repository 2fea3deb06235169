using System.Buffers;
using System.Net;
using System.Text;
using Alknet.Engine.Dialing;
using Alknet.Engine.HttpConnect;
using Alknet.Engine.Socks5;
using NUnit.Framework;

namespace Alknet.Engine.Tests.HttpConnect;

public class HttpConnectRequestTests
{
    [TestCase("example.com", 443, "CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n")]
    [TestCase("2001:db8::1", 22, "CONNECT [2001:db8::1]:22 HTTP/1.1\r\nHost: [2001:db8::1]:22\r\n\r\n")]
    [TestCase("192.0.2.9", 80, "CONNECT 192.0.2.9:80 HTTP/1.1\r\nHost: 192.0.2.9:80\r\n\r\n")]
    public void Write_Target_IsAuthorityForm(string host, int port, string expected) =>
        Assert.That(Write(new HttpConnectRequest(new DialTarget(host, (ushort)port), null)), Is.EqualTo(expected));

    [Test]
    public void Write_WithCredentials_AddsBasicProxyAuthorization()
    {
        var text = Write(new HttpConnectRequest(new DialTarget("example.com", 443), new NetworkCredential("Aladdin", "open sesame")));
        Assert.That(text, Does.Contain("\r\nProxy-Authorization: Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==\r\n"));
        Assert.That(text, Does.EndWith("\r\n\r\n"));
    }

    [TestCase("evil.example\r\nX-Injected: 1")]
    [TestCase("host with space")]
    [TestCase("user@host")]
    [TestCase("")]
    public void Write_HostThatCouldInjectHeaders_ThrowsHostUnreachable(string host)
    {
        var e = Assert.Throws<DialException>(() => Write(new HttpConnectRequest(new DialTarget(host, 80), null)));
        Assert.That(e!.Reply, Is.EqualTo(Socks5ReplyCode.HostUnreachable));
    }

    [Test]
    public void ToString_Always_HidesDestination() =>
        Assert.That(new HttpConnectRequest(new DialTarget("example.com", 443), null).ToString(), Does.Not.Contain("example"));

    private static string Write(HttpConnectRequest request)
    {
        var output = new ArrayBufferWriter<byte>();
        request.Write(output);
        return Encoding.ASCII.GetString(output.WrittenSpan);
    }
}
