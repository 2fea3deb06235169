using System.Diagnostics;
using System.Text.RegularExpressions;
using Alknet.Interop.Tests.Peers;

namespace Alknet.Interop.Tests.Serve;

/// <summary>
/// The operator-facing flags of <c>alknet serve</c>: bad values exit 2 with a message naming the flag (and never a
/// proxy password), the environment variable feeds --proxy, and the start-up lines show the host key fingerprint
/// and the outbound path with the password masked.
/// </summary>
[TestFixture]
public sealed class ServeCliTests
{
    [TestCase("--max-connections-per-ip", "-1")]
    [TestCase("--max-connections-per-ip", "many")]
    [TestCase("--max-channels-per-session", "-5")]
    [TestCase("--max-channels-per-session", "1.5")]
    [TestCase("--connect-timeout", "-3")]
    [TestCase("--connect-timeout", "soon")]
    public async Task Serve_BadNumber_ExitsTwoNamingFlag(string flag, string value)
    {
        await using var serve = await AlknetServe.StartAsync([flag, value]);

        var code = await serve.Process.WaitForExitAsync();

        Assert.That(code, Is.EqualTo(2), serve.Process.Output);
        Assert.That(serve.Process.StdErr, Does.Contain($"alknet: {flag} must be"));
        Assert.That(File.Exists(serve.HostKeyPath), Is.False, "a usage error is reported before anything is written");
    }

    [TestCase("ftp://proxy.example:21", "Unsupported upstream proxy scheme")]
    [TestCase("socks5://proxy.example", "must name a port")]
    [TestCase("http://proxy.example:0", "invalid port")]
    [TestCase("proxy.example:1080", "must start with socks5:// or http://")]
    public async Task Serve_BadProxyUrl_ExitsTwoWithReason(string url, string reason)
    {
        await using var serve = await AlknetServe.StartAsync(["--proxy", url]);

        var code = await serve.Process.WaitForExitAsync();

        Assert.That(code, Is.EqualTo(2), serve.Process.Output);
        Assert.That(serve.Process.StdErr, Does.Contain("alknet: --proxy: ").And.Contain(reason));
    }

    [Test]
    public async Task Serve_BadProxyUrlWithPassword_ErrorOmitsPassword()
    {
        await using var serve = await AlknetServe.StartAsync(["--proxy", "socks5://user:pw-do-not-echo@proxy.example"]);

        var code = await serve.Process.WaitForExitAsync();

        Assert.That(code, Is.EqualTo(2), serve.Process.Output);
        Assert.That(serve.Process.StdErr, Does.Contain("--proxy"));
        Assert.That(serve.Process.Output, Does.Not.Contain("pw-do-not-echo"));
    }

    [Test]
    public async Task Serve_BadProxyUrlInEnvironment_ExitsTwo()
    {
        await using var serve = await AlknetServe.StartAsync([], new Dictionary<string, string?> { ["ALKNET_PROXY"] = "gopher://proxy.example:70" });

        var code = await serve.Process.WaitForExitAsync();

        Assert.That(code, Is.EqualTo(2), serve.Process.Output);
        Assert.That(serve.Process.StdErr, Does.Contain("alknet: --proxy: Unsupported upstream proxy scheme 'gopher'"));
    }

    [Test]
    public async Task Serve_ProxyWithPassword_LogsUrlWithPasswordMasked()
    {
        var env = new Dictionary<string, string?> { ["ALKNET_PROXY"] = "socks5://tunnel:pw-never-logged@127.0.0.1:1080" };
        await using var serve = await AlknetServe.StartAsync([], env);
        await serve.WaitUntilListeningAsync();

        serve.Process.SendSigTerm();
        Assert.That(await serve.Process.WaitForExitAsync(), Is.Zero, serve.Process.Output);

        Assert.That(serve.Process.StdErr, Does.Contain("outbound via socks5://tunnel:***@127.0.0.1:1080"));
        Assert.That(serve.Process.Output, Does.Not.Contain("pw-never-logged"));
    }

    [Test]
    public async Task Serve_NoProxy_LogsDirectOutboundAndDefaultLimits()
    {
        await using var serve = await AlknetServe.StartAsync([]);
        await serve.WaitUntilListeningAsync();

        Assert.That(serve.Process.StdErr, Does.Contain("outbound direct, max 64 channels per session, max 10 connections per IP"));
    }

    [Test]
    public async Task Serve_MissingHostKey_GeneratesKeyAndLogsItsFingerprint()
    {
        var keygen = PeerBinaries.Require("ssh-keygen", "openssh-client");
        await using var serve = await AlknetServe.StartAsync([]);
        await serve.WaitUntilListeningAsync();

        var logged = Regex.Match(serve.Process.StdErr, $@"generated host key {Regex.Escape(serve.HostKeyPath)}: ssh-ed25519 (SHA256:\S+)");
        Assert.That(logged.Success, Is.True, serve.Process.StdErr);
        // ssh-keygen -lf prints "256 SHA256:… comment (ED25519)": the fingerprint an operator compares with clients.
        using var p = Process.Start(new ProcessStartInfo(keygen) { ArgumentList = { "-lf", serve.HostKeyPath + ".pub" }, RedirectStandardOutput = true })!;
        var listed = await p.StandardOutput.ReadToEndAsync();
        await p.WaitForExitAsync();
        Assert.That(listed.Split(' ')[1], Is.EqualTo(logged.Groups[1].Value));
    }

    [Test]
    public async Task Serve_Help_DocumentsEveryOperationsFlag()
    {
        await using var alknet = AlknetProcess.Start(["serve", "--help"]);

        var code = await alknet.WaitForExitAsync();

        Assert.That(code, Is.Zero, alknet.Output);
        Assert.That(alknet.StdOut, Does.Contain("--max-connections-per-ip").And.Contain("--max-channels-per-session")
            .And.Contain("--proxy").And.Contain("[env: ALKNET_PROXY]").And.Contain("--connect-timeout"));
    }
}
