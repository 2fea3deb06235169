using System.CommandLine;
using System.Net;
using Alknet.Cli.Tunnel;
using Alknet.Engine.Dialing;
using Alknet.Ssh.Transport;

namespace Alknet.Cli.Tests.Tunnel;

/// <summary>What alknet connect makes of its flags and environment: defaults, precedence, and each refusal's message.</summary>
[TestFixture]
public sealed class ConnectOptionsBinderTests
{
    private static bool Bind(string[] args, out TunnelSettings settings, out string error)
    {
        var binder = new ConnectOptionsBinder();
        var command = new Command("connect");
        binder.AddTo(command);
        return binder.TryBind(command.Parse(args), out settings, out error);
    }

    private static TunnelSettings Valid(params string[] args)
    {
        Assert.That(Bind(args, out var settings, out var error), Is.True, error);
        return settings;
    }

    private static string Invalid(params string[] args)
    {
        Assert.That(Bind(args, out _, out var error), Is.False);
        return error;
    }

    [Test]
    public void TryBind_ServerAndIdentityOnly_Defaults()
    {
        using var env = EnvironmentScope.Clean(("HOME", "/home/tester"));

        var s = Valid("--server", "ssh.example", "-i", "/keys/id_ed25519");

        Assert.Multiple(() =>
        {
            Assert.That(s.ServerHost, Is.EqualTo("ssh.example"));
            Assert.That(s.ServerPort, Is.EqualTo(22));
            Assert.That(s.User, Is.EqualTo(Environment.UserName));
            Assert.That(s.IdentityPath, Is.EqualTo("/keys/id_ed25519"));
            Assert.That(s.KnownHostsPath, Is.EqualTo("/home/tester/.ssh/known_hosts"));
            Assert.That(s.HostKeyChecking, Is.EqualTo(StrictHostKeyChecking.Yes));
            Assert.That(s.Socks5Listen, Is.EqualTo(new IPEndPoint(IPAddress.Loopback, 1080)));
            Assert.That(s.Socks5Credentials, Is.Null);
            Assert.That(s.LocalForwards, Is.Empty);
            Assert.That(s.RemoteForwards, Is.Empty);
            Assert.That(s.Proxy, Is.Null);
            Assert.That(s.Algorithms.HostKey, Is.EqualTo(SshAlgorithmNames.SupportedHostKeyAlgorithms));
            Assert.That(s.Algorithms.Ciphers, Is.EqualTo(SshAlgorithmNames.SupportedCiphers));
            Assert.That(s.PreferKnownHostKeyAlgorithms, Is.True);
            Assert.That(s.KeepaliveInterval, Is.EqualTo(TimeSpan.FromSeconds(15)));
            Assert.That(s.KeepaliveCountMax, Is.EqualTo(3));
            Assert.That(s.ConnectTimeout, Is.EqualTo(TimeSpan.FromSeconds(15)));
        });
    }

    [Test]
    public void TryBind_EveryFlag_Bound()
    {
        using var env = EnvironmentScope.Clean();

        var s = Valid("--server", "[2001:db8::9]:2222", "--user", "deploy", "--identity", "k", "--known-hosts", "/etc/kh", "--accept-new",
            "--socks5", "0.0.0.0:1081", "--socks5-user", "u", "--socks5-pass", "p",
            "-L", "8080:a.example:80", "--forward", "[::1]:8443:b.example:443", "-R", "0:localhost:22", "--remote-forward", "*:9000:c.example:9000",
            "--proxy", "socks5://127.0.0.1:9050", "--ciphers", "aes256-gcm@openssh.com", "--host-key-algorithms", "-ssh-ed25519",
            "--keepalive-interval", "0", "--keepalive-count-max", "5", "--connect-timeout", "30");

        Assert.Multiple(() =>
        {
            Assert.That((s.ServerHost, s.ServerPort), Is.EqualTo(("2001:db8::9", (ushort)2222)));
            Assert.That(s.User, Is.EqualTo("deploy"));
            Assert.That(s.KnownHostsPath, Is.EqualTo("/etc/kh"));
            Assert.That(s.HostKeyChecking, Is.EqualTo(StrictHostKeyChecking.AcceptNew));
            Assert.That(s.Socks5Listen, Is.EqualTo(IPEndPoint.Parse("0.0.0.0:1081")));
            Assert.That(s.Socks5Credentials, Is.Not.Null);
            Assert.That(s.Socks5Credentials!.Matches("u"u8, "p"u8), Is.True);
            Assert.That(s.LocalForwards, Is.EqualTo((ForwardSpec[])[ForwardSpec.Parse("8080:a.example:80", ForwardDirection.Local),
                ForwardSpec.Parse("[::1]:8443:b.example:443", ForwardDirection.Local)]));
            Assert.That(s.RemoteForwards, Is.EqualTo((ForwardSpec[])[ForwardSpec.Parse("0:localhost:22", ForwardDirection.Remote),
                ForwardSpec.Parse("*:9000:c.example:9000", ForwardDirection.Remote)]));
            Assert.That(s.Proxy!.Kind, Is.EqualTo(UpstreamProxyKind.Socks5));
            Assert.That((s.Proxy.Host, s.Proxy.Port), Is.EqualTo(("127.0.0.1", (ushort)9050)));
            Assert.That(s.Algorithms.Ciphers, Is.EqualTo((string[])["aes256-gcm@openssh.com"]));
            Assert.That(s.Algorithms.HostKey, Does.Not.Contain("ssh-ed25519"));
            Assert.That(s.PreferKnownHostKeyAlgorithms, Is.True, "-alg only edits the default list, as ssh_kex2 decides");
            Assert.That(s.KeepaliveInterval, Is.EqualTo(Timeout.InfiniteTimeSpan), "0 = off");
            Assert.That(s.KeepaliveCountMax, Is.EqualTo(5));
            Assert.That(s.ConnectTimeout, Is.EqualTo(TimeSpan.FromSeconds(30)));
        });
    }

    [TestCase("ssh-ed25519,rsa-sha2-512", false)]
    [TestCase("^rsa-sha2-512", false)]
    [TestCase("+rsa-sha2-256", true)]
    public void TryBind_HostKeyAlgorithms_ReplacedListIsNotReordered(string spec, bool prefer)
    {
        using var env = EnvironmentScope.Clean();
        Assert.That(Valid("--server", "h", "-i", "k", "--host-key-algorithms", spec).PreferKnownHostKeyAlgorithms, Is.EqualTo(prefer));
    }

    [Test]
    public void TryBind_Environment_UsedWhenFlagsAbsent()
    {
        using var env = EnvironmentScope.Clean(("ALKNET_SERVER", "env.example:2200"), ("ALKNET_IDENTITY", "/env/key"),
            ("ALKNET_SOCKS5_LISTEN", "[::1]:1090"), ("ALKNET_SOCKS5_USER", "eu"), ("ALKNET_SOCKS5_PASS", "ep"),
            ("ALKNET_PROXY", "http://proxy.example:3128"));

        var s = Valid();

        Assert.Multiple(() =>
        {
            Assert.That((s.ServerHost, s.ServerPort), Is.EqualTo(("env.example", (ushort)2200)));
            Assert.That(s.IdentityPath, Is.EqualTo("/env/key"));
            Assert.That(s.Socks5Listen, Is.EqualTo(IPEndPoint.Parse("[::1]:1090")));
            Assert.That(s.Socks5Credentials!.Matches("eu"u8, "ep"u8), Is.True);
            Assert.That(s.Proxy!.Kind, Is.EqualTo(UpstreamProxyKind.HttpConnect));
        });
    }

    [Test]
    public void TryBind_FlagsAndEnvironment_FlagsWin()
    {
        using var env = EnvironmentScope.Clean(("ALKNET_SERVER", "env.example"), ("ALKNET_IDENTITY", "/env/key"),
            ("ALKNET_SOCKS5_LISTEN", "127.0.0.1:1090"), ("ALKNET_SOCKS5_USER", "eu"), ("ALKNET_SOCKS5_PASS", "ep"),
            ("ALKNET_PROXY", "http://proxy.example:3128"));

        var s = Valid("--server", "flag.example", "-i", "/flag/key", "--socks5", "127.0.0.1:1091", "--socks5-user", "fu", "--socks5-pass", "fp",
            "--proxy", "socks5://127.0.0.1:9050");

        Assert.Multiple(() =>
        {
            Assert.That(s.ServerHost, Is.EqualTo("flag.example"));
            Assert.That(s.IdentityPath, Is.EqualTo("/flag/key"));
            Assert.That(s.Socks5Listen.Port, Is.EqualTo(1091));
            Assert.That(s.Socks5Credentials!.Matches("fu"u8, "fp"u8), Is.True);
            Assert.That(s.Proxy!.Kind, Is.EqualTo(UpstreamProxyKind.Socks5));
        });
    }

    [Test]
    public void TryBind_NonLoopbackSocks5WithCredentials_Accepted()
    {
        using var env = EnvironmentScope.Clean();
        Assert.That(Valid("--server", "h", "-i", "k", "--socks5", "0.0.0.0:1080", "--socks5-user", "u", "--socks5-pass", "p").Socks5Listen.Address,
            Is.EqualTo(IPAddress.Any));
    }

    [Test]
    public void TryBind_NonLoopbackSocks5WithAllowOpen_Accepted()
    {
        using var env = EnvironmentScope.Clean();
        Assert.That(Valid("--server", "h", "-i", "k", "--socks5", "*:1080", "--allow-open").Socks5Listen.Address, Is.EqualTo(IPAddress.IPv6Any));
    }

    [Test]
    public void TryBind_TwoRemoteForwardsOnPortZero_Accepted()
    {
        using var env = EnvironmentScope.Clean();
        Assert.That(Valid("--server", "h", "-i", "k", "-R", "0:a:1", "-R", "0:b:2").RemoteForwards, Has.Count.EqualTo(2));
    }

    [TestCase(new string[] { "-i", "k" }, "--server is required (or set ALKNET_SERVER)")]
    [TestCase(new string[] { "--server", "h" }, "--identity is required (or set ALKNET_IDENTITY)")]
    [TestCase(new string[] { "--server", "h:0", "-i", "k" }, "--server: port 0 cannot be connected to")]
    [TestCase(new string[] { "--server", "h:99999", "-i", "k" }, "--server: 'h:99999' has an invalid port (0-65535)")]
    [TestCase(new string[] { "--server", "h", "-i", "k", "--user", "" }, "--user is empty")]
    [TestCase(new string[] { "--server", "h", "-i", "k", "--known-hosts", "" }, "--known-hosts is empty")]
    [TestCase(new string[] { "--server", "h", "-i", "k", "--socks5", "localhost" }, "--socks5: 'localhost' is not HOST:PORT")]
    [TestCase(new string[] { "--server", "h", "-i", "k", "--socks5", "proxy.example:1080" },
        "--socks5: 'proxy.example:1080': the listen address must be an IP address (for example 127.0.0.1:1080 or [::]:1080)")]
    [TestCase(new string[] { "--server", "h", "-i", "k", "--socks5", "0.0.0.0:1080" },
        "refusing to listen on 0.0.0.0:1080 without authentication: that is an open proxy. Set --socks5-user and --socks5-pass " +
        "(or ALKNET_SOCKS5_USER/ALKNET_SOCKS5_PASS), listen on loopback, or pass --allow-open.")]
    [TestCase(new string[] { "--server", "h", "-i", "k", "--socks5-user", "u" }, "--socks5-user and --socks5-pass go together: give both or neither")]
    [TestCase(new string[] { "--server", "h", "-i", "k", "--socks5-pass", "p" }, "--socks5-user and --socks5-pass go together: give both or neither")]
    [TestCase(new string[] { "--server", "h", "-i", "k", "-L", "8080:a:80", "-L", "8081:b:0" }, "--forward #2: the host port 0 is out of range (1-65535)")]
    [TestCase(new string[] { "--server", "h", "-i", "k", "-L", "0:a:80" },
        "--forward #1: the listen port must be 1-65535 (port 0, where the server chooses, is only for --remote-forward)")]
    [TestCase(new string[] { "--server", "h", "-i", "k", "-R", "8080" },
        "--remote-forward #1: a port alone is a remote dynamic forward, which is not supported; expected [bind_address:]port:host:hostport")]
    [TestCase(new string[] { "--server", "h", "-i", "k", "-L", "1080:a:80" }, "--forward #1 listens on 127.0.0.1:1080, where --socks5 listens")]
    [TestCase(new string[] { "--server", "h", "-i", "k", "-L", "*:1080:a:80" }, "--forward #1 listens on [::]:1080, where --socks5 listens")]
    [TestCase(new string[] { "--server", "h", "-i", "k", "-L", "*:8080:a:80", "-L", "8080:b:80" }, "--forward #2 listens on 127.0.0.1:8080, as --forward #1 does")]
    [TestCase(new string[] { "--server", "h", "-i", "k", "-L", "127.0.0.1:8080:a:80", "-L", "localhost:8080:b:80" },
        "--forward #2 listens on 127.0.0.1:8080, as --forward #1 does")]
    [TestCase(new string[] { "--server", "h", "-i", "k", "-R", "9000:a:80", "-R", "0:b:80", "-R", "LOCALHOST:9000:c:80" },
        "--remote-forward #3 asks the server for port 9000, as --remote-forward #1 does")]
    [TestCase(new string[] { "--server", "h", "-i", "k", "--proxy", "ftp://p:21" }, "--proxy: Unsupported upstream proxy scheme 'ftp': use socks5:// or http://.")]
    [TestCase(new string[] { "--server", "h", "-i", "k", "--ciphers", "3des-cbc" },
        "--ciphers: unsupported cipher '3des-cbc'; supported: aes128-gcm@openssh.com,aes256-gcm@openssh.com,chacha20-poly1305@openssh.com,aes128-ctr,aes256-ctr")]
    [TestCase(new string[] { "--server", "h", "-i", "k", "--keepalive-count-max", "0" }, "--keepalive-count-max must be a whole number, at least 1")]
    [TestCase(new string[] { "--server", "h", "-i", "k", "--keepalive-interval", "-1" }, "--keepalive-interval must be a number of seconds between 0 and 31536000")]
    [TestCase(new string[] { "--server", "h", "-i", "k", "--connect-timeout", "soon" }, "--connect-timeout must be a number of seconds between 0 and 31536000")]
    public void TryBind_Invalid_ExactMessage(string[] args, string message)
    {
        using var env = EnvironmentScope.Clean();
        Assert.That(Invalid(args), Is.EqualTo(message));
    }

    [Test]
    public void TryBind_BadForwards_MessageNeverQuotesTheTarget()
    {
        using var env = EnvironmentScope.Clean();
        foreach (var spec in (string[])["8080:secret.example:0", "secret.example:8080:80", "8080:[secret.example]:80", "1:2:secret.example:4:5"])
        {
            Assert.That(Invalid("--server", "h", "-i", "k", "-L", spec), Does.Not.Contain("secret"), spec);
            Assert.That(Invalid("--server", "h", "-i", "k", "-R", spec), Does.Not.Contain("secret"), spec);
        }
    }

    [Test]
    public void TryBind_ProxyPasswordInvalid_MessageDoesNotEchoIt()
    {
        using var env = EnvironmentScope.Clean();
        Assert.That(Invalid("--server", "h", "-i", "k", "--proxy", "socks5://user:hunter2@proxy.example"), Does.Not.Contain("hunter2"));
    }
}
