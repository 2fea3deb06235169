using System.CommandLine;
using Alknet.Cli.Tests.Tunnel;

namespace Alknet.Cli.Tests.Commands;

/// <summary>alknet connect as the user meets it: registered, documented in --help, and honest that it cannot run yet.</summary>
[TestFixture]
public sealed class ConnectCommandTests
{
    private static (int Code, string Out, string Err) Run(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var savedOut = Console.Out;
        var savedErr = Console.Error;
        Console.SetOut(stdout);
        Console.SetError(stderr);
        try
        {
            int code = Program.CreateRootCommand().Parse(args).Invoke(new InvocationConfiguration { Output = stdout, Error = stderr });
            return (code, stdout.ToString(), stderr.ToString());
        }
        finally
        {
            Console.SetOut(savedOut);
            Console.SetError(savedErr);
        }
    }

    [Test]
    public void Help_DocumentsEveryFlagAndVariable()
    {
        using var env = EnvironmentScope.Clean();

        var (code, output, _) = Run("connect", "--help");

        Assert.That(code, Is.Zero);
        Assert.Multiple(() =>
        {
            foreach (var text in (string[])["--server", "ALKNET_SERVER", "--user", "--identity", "-i,", "ALKNET_IDENTITY", "ALKNET_KEY_PASSPHRASE",
                         "--known-hosts", "~/.ssh/known_hosts", "--accept-new", "--socks5 ", "127.0.0.1:1080", "ALKNET_SOCKS5_LISTEN", "--socks5-user",
                         "ALKNET_SOCKS5_USER", "--socks5-pass", "ALKNET_SOCKS5_PASS", "--allow-open", "-L,", "--forward", "-R,", "--remote-forward",
                         "--proxy", "ALKNET_PROXY", "--keepalive-interval", "--keepalive-count-max", "--connect-timeout", "--kex", "--ciphers", "--macs",
                         "--host-key-algorithms", "--log-level", "ALKNET_LOG_LEVEL"])
                Assert.That(output, Does.Contain(text));
        });
    }

    [Test]
    public void Help_SecretsInEnvironment_NotPrinted()
    {
        using var env = EnvironmentScope.Clean(("ALKNET_SOCKS5_PASS", "pass-from-env"), ("ALKNET_PROXY", "socks5://u:proxy-secret@127.0.0.1:9050"));

        var (_, output, _) = Run("connect", "--help");

        Assert.That(output, Does.Not.Contain("pass-from-env").And.Not.Contain("proxy-secret"));
    }

    [Test]
    public void Connect_MissingIdentityFile_ExitsTwoNamingTheFileBeforeListening()
    {
        using var env = EnvironmentScope.Clean();

        var (code, _, err) = Run("connect", "--server", "127.0.0.1", "-i", "/nonexistent/key");

        Assert.Multiple(() =>
        {
            Assert.That(code, Is.EqualTo(2));
            Assert.That(err, Does.Contain("/nonexistent/key"));
        });
    }

    [Test]
    public void Connect_InvalidOptions_ExitsTwoWithMessage()
    {
        using var env = EnvironmentScope.Clean();

        var (code, _, err) = Run("connect", "-i", "k");

        Assert.Multiple(() =>
        {
            Assert.That(code, Is.EqualTo(2));
            Assert.That(err, Is.EqualTo("alknet: --server is required (or set ALKNET_SERVER)" + Environment.NewLine));
        });
    }
}
