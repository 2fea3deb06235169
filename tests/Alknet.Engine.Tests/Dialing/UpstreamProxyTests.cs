using Alknet.Engine.Dialing;
using NUnit.Framework;

namespace Alknet.Engine.Tests.Dialing;

public class UpstreamProxyTests
{
    [TestCase("socks5://proxy.example:1080", UpstreamProxyKind.Socks5, "proxy.example", 1080)]
    [TestCase("SOCKS5H://10.0.0.1:9050/", UpstreamProxyKind.Socks5, "10.0.0.1", 9050)]
    [TestCase("http://[2001:db8::5]:3128", UpstreamProxyKind.HttpConnect, "2001:db8::5", 3128)]
    public void Parse_ValidUrl_YieldsKindHostPort(string url, UpstreamProxyKind kind, string host, int port)
    {
        var proxy = UpstreamProxy.Parse(url);
        Assert.That(proxy.Kind, Is.EqualTo(kind));
        Assert.That(proxy.Host, Is.EqualTo(host));
        Assert.That(proxy.Port, Is.EqualTo(port));
        Assert.That(proxy.Credentials, Is.Null);
    }

    [Test]
    public void Parse_PercentEncodedCredentials_AreDecoded()
    {
        var proxy = UpstreamProxy.Parse("socks5://us%40er:p%3Ass%2Fw%C3%B6rd@proxy:1080");
        Assert.That(proxy.Credentials!.UserName, Is.EqualTo("us@er"));
        Assert.That(proxy.Credentials.Password, Is.EqualTo("p:ss/wörd"));
    }

    [Test]
    public void Parse_UserWithoutPassword_HasEmptyPassword() =>
        Assert.That(UpstreamProxy.Parse("http://user@proxy:8080").Credentials!.Password, Is.Empty);

    [TestCase("", "empty")]
    [TestCase("proxy:1080", "socks5:// or http://")]
    [TestCase("ftp://proxy:21", "Unsupported upstream proxy scheme 'ftp'")]
    [TestCase("https://proxy:443", "Unsupported upstream proxy scheme 'https'")]
    [TestCase("socks5://proxy", "must name a port")]
    [TestCase("socks5://proxy:0", "invalid port")]
    [TestCase("socks5://proxy:65536", "invalid port")]
    [TestCase("socks5://proxy:80a", "invalid port")]
    [TestCase("socks5://:1080", "invalid host")]
    [TestCase("socks5://pro xy:1080", "invalid host")]
    [TestCase("http://[zz::1]:80", "invalid bracketed IPv6")]
    [TestCase("http://proxy:80/path", "path, query or fragment")]
    [TestCase("http://proxy:80?x=1", "path, query or fragment")]
    [TestCase("socks5://%zz:pw@proxy:1080", "user name")]
    [TestCase("socks5://user:%G1@proxy:1080", "password")]
    public void Parse_BadUrl_ThrowsFormatExceptionSayingWhy(string url, string reason) =>
        Assert.That(() => UpstreamProxy.Parse(url), Throws.InstanceOf<FormatException>().With.Message.Contain(reason));

    [TestCase("socks5://user:Hunter2Secret@proxy")]
    [TestCase("socks5://user:Hunter2Secret@proxy:99999")]
    [TestCase("http://user:Hunter2Secret@proxy:80/x")]
    [TestCase("gopher://user:Hunter2Secret@proxy:80")]
    [TestCase("socks5://user:Hunter2Secret%@proxy:80")]
    public void Parse_BadUrlWithPassword_NeverEchoesPassword(string url) =>
        Assert.That(() => UpstreamProxy.Parse(url), Throws.InstanceOf<FormatException>().With.Message.Not.Contain("Hunter2"));

    [Test]
    public void ToString_WithPassword_MasksIt() =>
        Assert.That(UpstreamProxy.Parse("socks5://alice:Hunter2@[::1]:1080").ToString(), Is.EqualTo("socks5://alice:***@[::1]:1080"));

    [TestCase(null, typeof(DirectDialer))]
    [TestCase("socks5://proxy:1080", typeof(Socks5Dialer))]
    [TestCase("http://proxy:3128", typeof(HttpConnectDialer))]
    public void Create_ProxyOrNone_BuildsMatchingDialer(string? url, Type expected) =>
        Assert.That(DialerFactory.Create(url is null ? null : UpstreamProxy.Parse(url), new DialerOptions()), Is.InstanceOf(expected));
}
