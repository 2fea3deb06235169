using System.Net;
using Alknet.Cli.Tunnel;

namespace Alknet.Cli.Tests.Tunnel;

/// <summary>
/// ssh -L/-R syntax: every accepted form and its fields, the round trip through <see cref="ForwardSpec.ToOpenSshSyntax"/>,
/// the listen side each form means, and the exact message for every malformed form.
/// </summary>
[TestFixture]
public sealed class ForwardSpecTests
{
    private const string Syntax = "expected [bind_address:]port:host:hostport";
    // Test case arguments: NUnit needs public parameter types, and ForwardDirection is internal.
    private const bool L = false;
    private const bool R = true;

    private static ForwardDirection Direction(bool remote) => remote ? ForwardDirection.Remote : ForwardDirection.Local;

    [TestCase("8080:example.org:80", L, null, 8080, "example.org", 80)]
    [TestCase("127.0.0.1:8080:example.org:80", L, "127.0.0.1", 8080, "example.org", 80)]
    [TestCase("[::1]:8080:[2001:db8::1]:80", L, "::1", 8080, "2001:db8::1", 80)]
    [TestCase("*:8080:10.0.0.5:22", L, "*", 8080, "10.0.0.5", 22)]
    [TestCase(":8080:10.0.0.5:22", L, "", 8080, "10.0.0.5", 22)]
    [TestCase("localhost:1:h:65535", L, "localhost", 1, "h", 65535)]
    [TestCase("0:localhost:22", R, null, 0, "localhost", 22)]
    [TestCase("gateway.example:2222:127.0.0.1:22", R, "gateway.example", 2222, "127.0.0.1", 22)]
    [TestCase("[::]:0:[::1]:22", R, "::", 0, "::1", 22)]
    [TestCase("*:65535:db.internal:5432", R, "*", 65535, "db.internal", 5432)]
    public void TryParse_ValidSpec_FieldsAndRoundTrip(string text, bool remote, string? bind, int bindPort, string host, int hostPort)
    {
        var direction = Direction(remote);
        Assert.That(ForwardSpec.TryParse(text, direction, out var spec, out var error), Is.True, error);

        Assert.Multiple(() =>
        {
            Assert.That(spec, Is.EqualTo(new ForwardSpec(direction, bind, (ushort)bindPort, host, (ushort)hostPort)));
            Assert.That(spec!.ToOpenSshSyntax(), Is.EqualTo(text));
            Assert.That(ForwardSpec.Parse(spec.ToOpenSshSyntax(), direction), Is.EqualTo(spec));
        });
    }

    [Test]
    public void ToString_RedactsTheTarget()
    {
        var spec = ForwardSpec.Parse("[::1]:8080:secret.example:5432", ForwardDirection.Local);

        Assert.That(spec.ToString(), Is.EqualTo("[::1]:8080:<destination>"));
    }

    [Test]
    public void Target_IsHostAndHostPort()
    {
        var target = ForwardSpec.Parse("8080:[2001:db8::1]:443", ForwardDirection.Local).Target;

        Assert.Multiple(() =>
        {
            Assert.That(target.Host, Is.EqualTo("2001:db8::1"));
            Assert.That(target.Port, Is.EqualTo(443));
        });
    }

    [TestCase("8080:h:80", "127.0.0.1:8080")]
    [TestCase("localhost:8080:h:80", "127.0.0.1:8080")]
    [TestCase("*:8080:h:80", "[::]:8080")]
    [TestCase(":8080:h:80", "[::]:8080")]
    [TestCase("[::1]:8080:h:80", "[::1]:8080")]
    [TestCase("192.0.2.7:8080:h:80", "192.0.2.7:8080")]
    public void ListenEndPoint_LocalForward_LoopbackByDefault(string text, string endpoint) =>
        Assert.That(ForwardSpec.Parse(text, ForwardDirection.Local).ListenEndPoint, Is.EqualTo(IPEndPoint.Parse(endpoint)));

    // OpenSSH's channel_rfwd_bind_host; a real ssh -R against sshd sends "localhost" for an omitted bind address
    // and "" for "*" or an empty one (sshd -ddd: "tcpip-forward listen localhost port 0" / "listen  port 0").
    [TestCase("0:h:80", "localhost")]
    [TestCase("*:0:h:80", "")]
    [TestCase(":0:h:80", "")]
    [TestCase("192.0.2.7:80:h:80", "192.0.2.7")]
    [TestCase("[::1]:80:h:80", "::1")]
    [TestCase("gw.example:80:h:80", "gw.example")]
    public void RequestedBindAddress_RemoteForward_AsOpenSsh(string text, string bind) =>
        Assert.That(ForwardSpec.Parse(text, ForwardDirection.Remote).RequestedBindAddress, Is.EqualTo(bind));

    [Test]
    public void ListenEndPoint_RemoteForward_Throws() =>
        Assert.Throws<InvalidOperationException>(() => _ = ForwardSpec.Parse("8080:h:80", ForwardDirection.Remote).ListenEndPoint);

    [Test]
    public void RequestedBindAddress_LocalForward_Throws() =>
        Assert.Throws<InvalidOperationException>(() => _ = ForwardSpec.Parse("8080:h:80", ForwardDirection.Local).RequestedBindAddress);

    [TestCase("", L, "empty forward specification; " + Syntax)]
    [TestCase("8080", L, "a port alone is a dynamic (SOCKS) forward: alknet connect serves SOCKS5 on --socks5; " + Syntax)]
    [TestCase("8080", R, "a port alone is a remote dynamic forward, which is not supported; " + Syntax)]
    [TestCase("8080:h", L, "missing the host or the host port; " + Syntax)]
    [TestCase("::1:8080:h:80", L, "too many ':'-separated fields; " + Syntax + ", with IPv6 addresses in brackets, as [2001:db8::1]")]
    [TestCase("8080:2001:db8::1:80", L, "too many ':'-separated fields; " + Syntax + ", with IPv6 addresses in brackets, as [2001:db8::1]")]
    [TestCase("[::1:8080:h:80", L, "missing ']' after '['")]
    [TestCase("[::1]8080:h:80", L, "expected ':' after ']'")]
    [TestCase("8080:h[x]:80", L, "brackets must enclose a whole field, as in [2001:db8::1]:80")]
    [TestCase("8080:h]:80", L, "brackets must enclose a whole field, as in [2001:db8::1]:80")]
    [TestCase("8080:[example.org]:80", L, "brackets are for IPv6 addresses, and the host in brackets is not one")]
    [TestCase("[127.0.0.1]:8080:h:80", L, "brackets are for IPv6 addresses, and the bind address in brackets is not one")]
    [TestCase("[gw]:8080:h:80", R, "brackets are for IPv6 addresses, and the bind address in brackets is not one")]
    [TestCase("8080:[::1]:[80]", L, "the host port must not be in brackets")]
    [TestCase("70000:h:80", L, "the listen port 70000 is out of range (1-65535)")]
    [TestCase("70000:h:80", R, "the listen port 70000 is out of range (0-65535; 0 lets the server choose)")]
    [TestCase("123456789:h:80", L, "the listen port 123456789 is out of range (1-65535)")]
    [TestCase("0:h:80", L, "the listen port must be 1-65535 (port 0, where the server chooses, is only for --remote-forward)")]
    [TestCase("8080:h:0", L, "the host port 0 is out of range (1-65535)")]
    [TestCase("0:h:0", R, "the host port 0 is out of range (1-65535)")]
    [TestCase("8080:h:65536", L, "the host port 65536 is out of range (1-65535)")]
    [TestCase("http:h:80", L, "the listen port is not a number")]
    [TestCase("h:80:8080", L, "the listen port is not a number")]
    [TestCase("8080:h:-1", L, "the host port is not a number")]
    [TestCase("8080:h:+80", L, "the host port is not a number")]
    [TestCase(":h:80", L, "the listen port is empty; " + Syntax)]
    [TestCase("8080::80", L, "the host is empty; " + Syntax)]
    [TestCase("8080:h:", L, "the host port is empty; " + Syntax)]
    [TestCase("8080:/run/app.sock", L, "Unix socket forwarding is not supported; " + Syntax)]
    [TestCase("/tmp/l.sock:h:80", R, "Unix socket forwarding is not supported; " + Syntax)]
    [TestCase("8080:h 1:80", L, "the forward specification contains whitespace or control characters")]
    [TestCase(" 8080:h:80", L, "the forward specification contains whitespace or control characters")]
    [TestCase("gw.example:8080:h:80", L, "the bind address must be an IP address, localhost, * or empty (IPv6 in brackets)")]
    [TestCase("127.1:8080:h:80", L, "the bind address must be an IP address, localhost, * or empty (IPv6 in brackets)")]
    public void TryParse_Malformed_ExactMessage(string text, bool remote, string message)
    {
        var direction = Direction(remote);
        Assert.That(ForwardSpec.TryParse(text, direction, out var spec, out var error), Is.False);

        Assert.Multiple(() =>
        {
            Assert.That(error, Is.EqualTo(message));
            Assert.That(spec, Is.Null);
            Assert.That(Assert.Throws<FormatException>(() => ForwardSpec.Parse(text, direction))!.Message, Is.EqualTo(message));
        });
    }

    [Test]
    public void TryParse_HostLongerThan255_Refused()
    {
        Assert.That(ForwardSpec.TryParse("8080:" + new string('a', 255) + ":80", ForwardDirection.Local, out _, out _), Is.True);
        Assert.That(ForwardSpec.TryParse("8080:" + new string('a', 256) + ":80", ForwardDirection.Local, out _, out var error), Is.False);
        Assert.That(error, Is.EqualTo("the host is longer than 255 characters"));
    }

    [Test]
    public void TryParse_RemoteBindLongerThan255_Refused()
    {
        Assert.That(ForwardSpec.TryParse(new string('b', 256) + ":80:h:80", ForwardDirection.Remote, out _, out var error), Is.False);
        Assert.That(error, Is.EqualTo("the bind address is longer than 255 characters"));
    }

    [Test]
    public void TryParse_Malformed_NeverQuotesTheTarget()
    {
        foreach (var text in (string[])["secret.example:80:8080", "8080:[secret.example]:80", "8080:secret.example:0", "8080:secret.example:99999",
                     "8080:secret.example:http", "1:2:secret.example:4:5"])
        {
            Assert.That(ForwardSpec.TryParse(text, ForwardDirection.Local, out _, out var error), Is.False, text);
            Assert.That(error, Does.Not.Contain("secret"), text);
        }
    }

    [TestCase("[2001:db8::1]:8080:[2001:db8::2]:443")]
    [TestCase("127.0.0.1:8080:example.org:80")]
    public void TryParse_EveryPrefix_AnswersWithoutThrowing(string text)
    {
        // A prefix of a valid spec is either itself valid or refused with a reason; no prefix may crash the parser.
        for (int i = 0; i <= text.Length; i++)
        {
            foreach (var direction in (ForwardDirection[])[ForwardDirection.Local, ForwardDirection.Remote])
            {
                bool ok = ForwardSpec.TryParse(text[..i], direction, out var spec, out var error);
                Assert.That(ok ? spec is not null && error.Length == 0 : spec is null && error.Length > 0, Is.True, $"prefix '{text[..i]}'");
            }
        }
    }
}
